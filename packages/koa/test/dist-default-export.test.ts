/**
 * `import cors from '@cors/koa'`, as users of `@koa/cors` write it: the default export is `cors`,
 * in the sources' types and in both built entries, where CommonJS's `require` still gives the
 * object of named exports (`require('@cors/koa').cors`, and `.default` for transpiled imports).
 */
import { createRequire } from 'node:module';
import { describe, expect, expectTypeOf, it } from 'vitest';
import corsDefault, { cors, type CorsMiddleware } from '../src/index.js';
import { send } from './http.js';
import { koaVersions, newApp, withServer } from './versions.js';

const require = createRequire(import.meta.url);
const APP = 'https://app.example.com';

describe('the default export', () => {
  it('is typed as cors itself, generics included', () => {
    expectTypeOf(corsDefault).toEqualTypeOf(cors);
    expectTypeOf(corsDefault({ origin: [APP] })).toEqualTypeOf<CorsMiddleware>();
    // The core refuses an unknown option at start-up, and the types refuse it first.
    // @ts-expect-error: allowHeaders is not an option (allowedHeaders is).
    expect(() => corsDefault({ origin: [APP], allowHeaders: ['X-Custom'] })).toThrow(
      /allowedHeaders/,
    );
  });

  it.each(koaVersions)('is cors in the built ESM entry, and answers on $name', async ({ Koa }) => {
    const built = (await import('@cors/koa')) as typeof import('../src/index.js');
    expect(built.default).toBe(built.cors);
    const app = newApp(Koa);
    app.use(built.default({ origin: [APP] }));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.body).toBe('ok');
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
    });
  });

  it('leaves require() the object of named exports, with .default as cors', async () => {
    const required = require('@cors/koa') as Record<string, unknown>;
    expect(typeof required).toBe('object');
    // The same names as the ESM entry's (which has `default` too), however many there are.
    const esm = (await import('@cors/koa')) as Record<string, unknown>;
    expect(Object.keys(required).sort()).toEqual(Object.keys(esm).sort());
    expect(Object.keys(required)).toContain('cors');
    expect(required.default).toBe(required.cors);
  });
});
