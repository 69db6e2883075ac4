/**
 * The built package, ESM and CommonJS, as users load it (h3's lesson: a bundler once dropped code
 * that the source needed). A route policy exercises the preflight routes the plugin adds.
 */
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

// Loaded by URL so that type-checking does not depend on a build; the types are the source's.
type Build = typeof import('../src/index.js');
const esm = (await import(new URL('../dist/index.js', import.meta.url).href)) as Build;
const cjs = createRequire(import.meta.url)('../dist/index.cjs') as Build;

describe.each([
  ['ESM', esm],
  ['CommonJS', cjs],
])('the %s build', (_name, build) => {
  it('exports the plugin as default and as corsPlugin, named for Fastify', () => {
    expect(build.default).toBe(build.corsPlugin);
    expect(typeof build.corsPlugin).toBe('function');
    const meta = (
      build.corsPlugin as unknown as Record<symbol, { name?: string; fastify?: string }>
    )[Symbol.for('plugin-meta')];
    expect(meta).toMatchObject({ name: '@cors/fastify', fastify: '5.x' });
  });

  it('answers a preflight with the policy of the route it asks about', async () => {
    const app = Fastify();
    try {
      await app.register(build.corsPlugin, { origin: ['https://app.example.com'] });
      app.put(
        '/strict',
        { config: { cors: { origin: ['https://admin.example.com'] } } },
        async () => 'ok',
      );
      const refused = await app.inject({
        method: 'OPTIONS',
        url: '/strict',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
      });
      expect(refused.statusCode).toBe(403);
      const allowed = await app.inject({
        method: 'OPTIONS',
        url: '/strict',
        headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'PUT' },
      });
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    } finally {
      await app.close();
    }
  });
});
