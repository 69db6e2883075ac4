/**
 * The built package, as users load it (h3's lesson: a bundler once dropped code the source
 * needed). Needs `npm run build` first; turbo's test task depends on build.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const APP = 'https://app.example.com';

describe.each([
  ['ESM', async () => (await import('@cors/fetch')) as typeof import('../src/index.js')],
  ['CommonJS', async () => require('@cors/fetch') as typeof import('../src/index.js')],
])('the built %s entry', (_format, load) => {
  it('exports withCors and the halves, which answer real requests', async () => {
    const { withCors, corsPreflight, applyCors, preflightResponse } = await load();
    const { createCorsPolicy } = (await import('@cors/core')) as typeof import('@cors/core');
    const handle = withCors(() => new Response('route'), { origin: [APP] });
    const ok = await handle(new Request('http://api.test/', { headers: { origin: APP } }));
    expect(await ok.text()).toBe('route');
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    const duplicated = new Request('http://api.test/', {
      method: 'OPTIONS',
      headers: [
        ['origin', APP],
        ['origin', APP],
        ['access-control-request-method', 'PUT'],
      ],
    });
    expect((await handle(duplicated)).status).toBe(403);
    const policy = createCorsPolicy({ origin: [APP] });
    expect(corsPreflight(duplicated, policy)?.status).toBe(403);
    const applied = applyCors(
      new Request('http://api.test/', { headers: { origin: APP } }),
      Response.redirect('https://elsewhere.example/', 302),
      policy,
    );
    expect(applied.headers.get('access-control-allow-origin')).toBe(APP);
    expect(typeof preflightResponse).toBe('function');
  });
});

it('imports no Node built-in (it runs on workerd without nodejs_compat)', () => {
  for (const file of ['index.js', 'index.cjs']) {
    const code = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
    expect(code).not.toMatch(/["']node:/);
  }
});
