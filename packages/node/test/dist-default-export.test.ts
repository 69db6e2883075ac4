/**
 * `import cors from '@cors/node'`, as users of the `cors` package write it: the default export is
 * `cors`, in the sources' types and in both built entries, where CommonJS's `require` still gives
 * the object of named exports (`require('@cors/node').cors`, and `.default` for transpiled imports).
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import corsDefault, { cors, type CorsMiddleware } from '../src/index.js';
import { close, listen, send } from './http.js';

const require = createRequire(import.meta.url);
const APP = 'https://app.example.com';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => close(server)));
});

describe('the default export', () => {
  it('is typed as cors itself, overloads included', () => {
    expectTypeOf(corsDefault).toEqualTypeOf(cors);
    expectTypeOf(corsDefault({ origin: [APP] })).toEqualTypeOf<CorsMiddleware>();
    // The core refuses an unknown option at start-up, and the types refuse it first.
    // @ts-expect-error: allowHeaders is not an option (allowedHeaders is).
    expect(() => corsDefault({ origin: [APP], allowHeaders: ['X-Custom'] })).toThrow(
      /allowedHeaders/,
    );
  });

  it('is cors in the built ESM entry, and answers a real request', async () => {
    const built = (await import('@cors/node')) as typeof import('../src/index.js');
    expect(built.default).toBe(built.cors);
    const middleware = built.default({ origin: [APP] });
    const { server, port } = await listen((req, res) => middleware(req, res, () => res.end('ok')));
    servers.push(server);
    const reply = await send(port, 'GET', '/', { origin: APP });
    expect(reply.body).toBe('ok');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('leaves require() the object of named exports, with .default as cors', async () => {
    const required = require('@cors/node') as Record<string, unknown>;
    expect(typeof required).toBe('object');
    // The same names as the ESM entry's (which has `default` too), however many there are.
    const esm = (await import('@cors/node')) as Record<string, unknown>;
    expect(Object.keys(required).sort()).toEqual(Object.keys(esm).sort());
    expect(Object.keys(required)).toContain('cors');
    expect(required.default).toBe(required.cors);
  });
});
