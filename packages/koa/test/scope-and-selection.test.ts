/**
 * `corsUnder` in front of a `@koa/router` router (404 stays 404, 405 stays 405, both with CORS
 * headers), per-request policy selection, and `Vary` kept whatever way the route sets it.
 */
import { Router } from '@koa/router';
import { describe, expect, it } from 'vitest';
import { ERR_CORS_SELECTOR_RESULT, createCorsPolicy } from '@cors/core';
import { cors, corsUnder } from '../src/index.js';
import { corsHeaders, send, varyTokens } from './http.js';
import { koaVersions, newApp, withServer } from './versions.js';

const PAGE = 'http://localhost:5173';
const ADMIN = 'https://admin.example.com';
const TENANT_A = 'https://app.a.example';
const TENANT_B = 'https://app.b.example';

describe.each(koaVersions)('on $name', ({ Koa }) => {
  function routers() {
    const app = newApp(Koa);
    const api = new Router({ prefix: '/api' });
    api.get('/hello', (ctx) => {
      ctx.body = 'hello';
    });
    api.get('/boom', () => {
      throw new Error('boom');
    });
    const admin = new Router({ prefix: '/admin' });
    admin.get('/stats', (ctx) => {
      ctx.body = 'stats';
    });
    app.use(corsUnder('/api', { origin: [PAGE] }));
    app.use(corsUnder('/admin', { origin: [ADMIN] }));
    app.use(api.routes()).use(api.allowedMethods());
    app.use(admin.routes()).use(admin.allowedMethods());
    return app;
  }

  it('keeps 404 as 404 and 405 as 405 under a router prefix, both with CORS headers', async () => {
    await withServer(routers(), async (port) => {
      const missing = await send(port, 'GET', '/api/nope', { origin: PAGE });
      expect(missing.status).toBe(404);
      expect(corsHeaders(missing)).toEqual({ 'access-control-allow-origin': PAGE });
      const wrongMethod = await send(port, 'DELETE', '/api/hello', { origin: PAGE });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.allow).toContain('GET');
      expect(corsHeaders(wrongMethod)).toEqual({ 'access-control-allow-origin': PAGE });
      const failed = await send(port, 'GET', '/api/boom', { origin: PAGE });
      expect(failed.status).toBe(500);
      expect(corsHeaders(failed)).toEqual({ 'access-control-allow-origin': PAGE });
      expect(varyTokens(failed)).toEqual(['origin']);
    });
  });

  it("answers each prefix's preflights with its own policy, and no other prefix's", async () => {
    await withServer(routers(), async (port) => {
      const preflight = { 'access-control-request-method': 'PUT' };
      const api = await send(port, 'OPTIONS', '/api/items/1', { origin: PAGE, ...preflight });
      expect(api.status).toBe(204);
      expect(corsHeaders(api)['access-control-allow-origin']).toBe(PAGE);
      const adminFromPage = await send(port, 'OPTIONS', '/ADMIN/stats', {
        origin: PAGE,
        ...preflight,
      });
      expect(adminFromPage.status).toBe(403);
      const elsewhere = await send(port, 'GET', '/apix', { origin: PAGE });
      expect(elsewhere.status).toBe(404);
      expect(corsHeaders(elsewhere)).toEqual({});
    });
  });

  it('selects a policy per request by Host, preflights included', async () => {
    const byHost = new Map([
      ['a.example', createCorsPolicy({ origin: [TENANT_A] })],
      ['b.example', createCorsPolicy({ origin: [TENANT_B] })],
    ]);
    const fallback = createCorsPolicy({ origin: [PAGE] });
    const app = newApp(Koa);
    app.use(cors((ctx) => byHost.get((ctx as unknown as { host: string }).host) ?? fallback));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    await withServer(app, async (port) => {
      const preflight = { 'access-control-request-method': 'PUT' };
      const a = await send(port, 'OPTIONS', '/', {
        host: 'a.example',
        origin: TENANT_A,
        ...preflight,
      });
      expect([a.status, corsHeaders(a)['access-control-allow-origin']]).toEqual([204, TENANT_A]);
      const bFromA = await send(port, 'OPTIONS', '/', {
        host: 'b.example',
        origin: TENANT_A,
        ...preflight,
      });
      expect(bFromA.status).toBe(403);
      const b = await send(port, 'GET', '/', { host: 'b.example', origin: TENANT_B });
      expect(corsHeaders(b)['access-control-allow-origin']).toBe(TENANT_B);
    });
  });

  it('fails the request with ERR_CORS_SELECTOR_RESULT when the selector returns options', async () => {
    const errors: unknown[] = [];
    const app = newApp(Koa);
    app.on('error', (error) => errors.push(error));
    app.use(cors(() => ({ origin: '*' }) as never));
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: PAGE });
      expect(reply.status).toBe(500);
      expect(corsHeaders(reply)).toEqual({});
    });
    expect(errors).toEqual([expect.objectContaining({ code: ERR_CORS_SELECTOR_RESULT })]);
  });

  it.each([
    ['ctx.set', (ctx: { set(n: string, v: string): void }) => ctx.set('Vary', 'Accept-Encoding')],
    ['ctx.vary', (ctx: { vary(n: string): void }) => ctx.vary('Accept-Encoding')],
    [
      'ctx.append',
      (ctx: { append(n: string, v: string): void }) => ctx.append('Vary', 'Accept-Encoding'),
    ],
    [
      'ctx.res.setHeader',
      (ctx: { res: { setHeader(n: string, v: string): void } }) =>
        ctx.res.setHeader('Vary', 'Accept-Encoding'),
    ],
  ] as const)('keeps Origin in Vary, once, when the route uses %s', async (_how, route) => {
    const app = newApp(Koa);
    app.use(cors({ origin: [PAGE] }));
    app.use((ctx) => {
      (route as (ctx: unknown) => void)(ctx);
      ctx.body = 'ok';
    });
    await withServer(app, async (port) => {
      for (const origin of [PAGE, ADMIN]) {
        const tokens = varyTokens(await send(port, 'GET', '/', { origin }));
        expect(tokens.sort()).toEqual(['accept-encoding', 'origin']);
      }
    });
  });
});
