/**
 * The built package, as users load it, in a real Hono app. Needs `npm run build` first; turbo's
 * test task depends on build.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const APP = 'https://app.example.com';

describe.each([
  ['ESM', async () => (await import('@cors/hono')) as typeof import('../src/index.js')],
  ['CommonJS', async () => require('@cors/hono') as typeof import('../src/index.js')],
])('the built %s entry', (_format, load) => {
  it('exports cors, which answers requests in a Hono app', async () => {
    const { cors } = await load();
    const app = new Hono();
    app.use(cors({ origin: [APP] }));
    app.get('/', (c) => c.text('route'));
    const ok = await app.request('/', { headers: { origin: APP } });
    expect(await ok.text()).toBe('route');
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    const preflight = await app.request('/', {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
  });
});

it('imports no Node built-in and no Hono code at run time (types only)', () => {
  for (const file of ['index.js', 'index.cjs']) {
    const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
    expect(code).not.toMatch(/["']node:/);
    // Statements, not the doc comments that show `import { Hono } from 'hono'`.
    expect(code).not.toMatch(/^(import .* from |.*require\()["']hono/m);
  }
});
