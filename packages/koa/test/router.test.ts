/**
 * `@koa/router`: different policies per router, preflights included, and the interplay with
 * `router.allowedMethods()`.
 *
 * The router runs `router.use()` middleware and a route's middleware only when some route of the
 * router matches both the path and the method. A route declared with `router.get` or `router.put`
 * does not match `OPTIONS`, so a preflight for it never reaches that middleware unless the router
 * also has an `OPTIONS` route for the path.
 */
import { Router } from '@koa/router';
import { describe, expect, it } from 'vitest';
import { cors } from '../src/index.js';
import { corsHeaders, send, varyTokens } from './http.js';
import { koaVersions, newApp, withServer, type App } from './versions.js';

const PAGE = 'http://localhost:5173';
const ADMIN = 'https://admin.example.com';

describe.each(koaVersions)('@koa/router on $name', ({ Koa }) => {
  /**
   * Two routers with their own policies, as the README recommends: `router.use(c)` for the routes,
   * plus `router.options('/{*path}', c)` so that preflights match a route of the router.
   */
  function twoRouters(options: { allowedMethods?: boolean } = {}): { app: App; runs: string[] } {
    const runs: string[] = [];
    const api = new Router({ prefix: '/api' });
    const apiCors = cors({
      origin: [PAGE],
      credentials: true,
      allowedHeaders: ['Content-Type', 'X-Custom'],
    });
    api.use(apiCors);
    api.options('/{*path}', apiCors);
    api.get('/hello', (ctx) => {
      runs.push('GET /api/hello');
      ctx.body = { message: 'hello' };
    });
    api.put('/items/:id', (ctx) => {
      runs.push(`PUT /api/items/${ctx.params.id}`);
      ctx.body = { updated: true };
    });

    const strict = new Router({ prefix: '/strict' });
    const strictCors = cors({ origin: [ADMIN] });
    strict.use(strictCors);
    strict.options('/{*path}', strictCors);
    strict.get('/hello', (ctx) => {
      runs.push('GET /strict/hello');
      ctx.body = { message: 'strict' };
    });

    const app = newApp(Koa);
    app.use(api.routes());
    app.use(strict.routes());
    if (options.allowedMethods) {
      app.use(api.allowedMethods());
      app.use(strict.allowedMethods());
    }
    return { app, runs };
  }

  it('applies each router its own policy to actual requests', async () => {
    const { app, runs } = twoRouters();
    await withServer(app, async (port) => {
      const api = await send(port, 'GET', '/api/hello', { origin: PAGE });
      expect(corsHeaders(api)).toEqual({
        'access-control-allow-origin': PAGE,
        'access-control-allow-credentials': 'true',
      });
      const strictFromPage = await send(port, 'GET', '/strict/hello', { origin: PAGE });
      expect(strictFromPage.status).toBe(200);
      expect(corsHeaders(strictFromPage)).toEqual({});
      expect(varyTokens(strictFromPage)).toEqual(['origin']);
      const strictFromAdmin = await send(port, 'GET', '/strict/hello', { origin: ADMIN });
      expect(corsHeaders(strictFromAdmin)).toEqual({ 'access-control-allow-origin': ADMIN });
    });
    expect(runs).toEqual(['GET /api/hello', 'GET /strict/hello', 'GET /strict/hello']);
  });

  it('answers preflights per router, for routes that declare only GET or PUT', async () => {
    const { app, runs } = twoRouters();
    await withServer(app, async (port) => {
      const put = await send(port, 'OPTIONS', '/api/items/42', {
        origin: PAGE,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-custom',
      });
      expect(put.status).toBe(204);
      expect(corsHeaders(put)).toEqual({
        'access-control-allow-origin': PAGE,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'content-type,x-custom',
      });
      const getFromPage = await send(port, 'OPTIONS', '/strict/hello', {
        origin: PAGE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-custom',
      });
      expect(getFromPage.status).toBe(403);
      expect(corsHeaders(getFromPage)).toEqual({});
      const getFromAdmin = await send(port, 'OPTIONS', '/strict/hello', {
        origin: ADMIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-custom',
      });
      expect(getFromAdmin.status).toBe(204);
      expect(getFromAdmin.headers['access-control-allow-origin']).toBe(ADMIN);
      // The API policy lists its headers; a header outside the list is refused for the API only.
      const apiUnlisted = await send(port, 'OPTIONS', '/api/items/42', {
        origin: PAGE,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'x-other',
      });
      expect(apiUnlisted.headers['access-control-allow-headers']).toBeUndefined();
    });
    expect(runs).toEqual([]);
  });

  it('decides once when router.use and the OPTIONS route both reach the same cors()', async () => {
    const decisions: string[] = [];
    const router = new Router();
    const routerCors = cors({
      origin: [PAGE],
      onDecision: (decision, ctx) => decisions.push(`${ctx.method} ${decision.kind}`),
    });
    router.use(routerCors);
    router.options('/{*path}', routerCors);
    router.get('/hello', (ctx) => {
      ctx.body = 'hello';
    });
    const app = newApp(Koa);
    app.use(router.routes());
    app.use(router.allowedMethods());
    await withServer(app, async (port) => {
      await send(port, 'GET', '/hello', { origin: PAGE });
      await send(port, 'OPTIONS', '/hello', {
        origin: PAGE,
        'access-control-request-method': 'GET',
      });
      const plain = await send(port, 'OPTIONS', '/hello', { origin: PAGE });
      expect(plain.headers.vary).toBe(
        'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      );
    });
    expect(decisions).toEqual(['GET actual', 'OPTIONS preflight', 'OPTIONS actual']);
  });

  it("decides once per cors() when an app-wide cors() took the request before the router's", async () => {
    const decisions: string[] = [];
    const app = newApp(Koa);
    app.use(cors({ origin: [PAGE, ADMIN], onDecision: (d) => decisions.push(`app ${d.reason}`) }));
    const router = new Router();
    const routerCors = cors({
      origin: [ADMIN],
      onDecision: (d, ctx) => decisions.push(`router ${ctx.method} ${d.reason}`),
    });
    router.use(routerCors);
    router.options('/{*path}', routerCors);
    router.get('/hello', (ctx) => {
      ctx.body = 'hello';
    });
    app.use(router.routes());
    await withServer(app, async (port) => {
      // Not a preflight: the app-wide cors(), then the router's, then the OPTIONS route's (the
      // router's again, which has decided already), and the router's refusal stands.
      const plain = await send(port, 'OPTIONS', '/hello', { origin: PAGE });
      expect(plain.status).toBe(404);
      expect(corsHeaders(plain)).toEqual({});
      expect(varyTokens(plain)).toContain('origin');
    });
    expect(decisions).toEqual(['app allowed', 'router OPTIONS origin-not-allowed']);
  });

  it('without an OPTIONS route, router.use(cors()) never sees a preflight (why the README adds one)', async () => {
    const router = new Router();
    router.use(cors({ origin: [PAGE] }));
    router.put('/items/:id', (ctx) => {
      ctx.body = 'updated';
    });
    const app = newApp(Koa);
    app.use(router.routes());
    await withServer(app, async (port) => {
      const preflight = await send(port, 'OPTIONS', '/items/42', {
        origin: PAGE,
        'access-control-request-method': 'PUT',
      });
      expect(preflight.status).toBe(404);
      expect(corsHeaders(preflight)).toEqual({});
      // The actual request matches the PUT route, so there the middleware runs.
      const put = await send(port, 'PUT', '/items/42', { origin: PAGE });
      expect(put.headers['access-control-allow-origin']).toBe(PAGE);
    });
  });

  it('works passed per route, with an OPTIONS route for the preflight', async () => {
    const router = new Router();
    const itemCors = cors({ origin: [PAGE], methods: ['PUT'] });
    router.options('/items/:id', itemCors);
    router.put('/items/:id', itemCors, (ctx) => {
      ctx.body = 'updated';
    });
    router.get('/open', (ctx) => {
      ctx.body = 'no CORS here';
    });
    const app = newApp(Koa);
    app.use(router.routes());
    await withServer(app, async (port) => {
      const preflight = await send(port, 'OPTIONS', '/items/42', {
        origin: PAGE,
        'access-control-request-method': 'PUT',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-methods']).toBe('PUT');
      const put = await send(port, 'PUT', '/items/42', { origin: PAGE });
      expect(put.body).toBe('updated');
      expect(put.headers['access-control-allow-origin']).toBe(PAGE);
      const open = await send(port, 'GET', '/open', { origin: PAGE });
      expect(corsHeaders(open)).toEqual({});
    });
  });

  it('nested policies: the router policy replaces the app-wide headers, also on errors; the app-wide one answers preflights', async () => {
    const decisions: string[] = [];
    const app = newApp(Koa);
    app.use(
      cors({
        origin: [PAGE, ADMIN],
        credentials: true,
        onDecision: (d) => decisions.push(`app ${d.reason}`),
      }),
    );
    const admin = new Router({ prefix: '/admin' });
    admin.use(cors({ origin: [ADMIN], onDecision: (d) => decisions.push(`admin ${d.reason}`) }));
    admin.get('/stats', (ctx) => {
      ctx.body = 'stats';
    });
    admin.get('/fail', (ctx) => {
      ctx.throw(400, 'bad');
    });
    app.use(admin.routes());
    await withServer(app, async (port) => {
      const refused = await send(port, 'GET', '/admin/stats', { origin: PAGE });
      expect(corsHeaders(refused)).toEqual({});
      const refusedError = await send(port, 'GET', '/admin/fail', { origin: PAGE });
      expect(refusedError.status).toBe(400);
      expect(corsHeaders(refusedError)).toEqual({});
      expect(refusedError.headers.vary).toBe('Origin');
      const allowed = await send(port, 'GET', '/admin/stats', { origin: ADMIN });
      expect(corsHeaders(allowed)).toEqual({ 'access-control-allow-origin': ADMIN });
      // Preflights never reach the router: the app-wide policy answers them (mount one policy per path).
      const preflight = await send(port, 'OPTIONS', '/admin/stats', {
        origin: PAGE,
        'access-control-request-method': 'GET',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(PAGE);
    });
    expect(decisions).toEqual([
      'app allowed',
      'admin origin-not-allowed',
      'app allowed',
      'admin origin-not-allowed',
      'app allowed',
      'admin allowed',
      'app allowed',
    ]);
  });

  it('nested policies: an inner policy that fails to decide leaves no outer CORS headers on the error', async () => {
    const app = newApp(Koa);
    app.use(cors({ origin: [PAGE] }));
    const router = new Router();
    router.use(cors({ origin: () => Promise.reject(new Error('tenant store down')) }));
    router.get('/x', (ctx) => {
      ctx.body = 'x';
    });
    app.use(router.routes());
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/x', { origin: PAGE });
      expect(reply.status).toBe(500);
      expect(corsHeaders(reply)).toEqual({});
    });
  });

  describe('with router.allowedMethods()', () => {
    it('app-wide cors() answers a preflight before allowedMethods can (no Allow header)', async () => {
      const router = new Router();
      router.get('/hello', (ctx) => {
        ctx.body = 'hello';
      });
      router.put('/items/:id', (ctx) => {
        ctx.body = 'updated';
      });
      const app = newApp(Koa);
      app.use(cors({ origin: [PAGE] }));
      app.use(router.routes());
      app.use(router.allowedMethods());
      await withServer(app, async (port) => {
        const preflight = await send(port, 'OPTIONS', '/items/42', {
          origin: PAGE,
          'access-control-request-method': 'PUT',
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.allow).toBeUndefined();
        expect(preflight.headers['access-control-allow-methods']).toBe('PUT');
        // A non-preflight OPTIONS gets allowedMethods' answer, with the CORS headers of an actual request.
        const plain = await send(port, 'OPTIONS', '/items/42', { origin: PAGE });
        expect(plain.status).toBe(200);
        expect(plain.headers.allow).toBe('PUT');
        expect(corsHeaders(plain)).toEqual({ 'access-control-allow-origin': PAGE });
        const noOrigin = await send(port, 'OPTIONS', '/hello');
        expect(noOrigin.status).toBe(200);
        expect(noOrigin.headers.allow).toBe('HEAD, GET');
        expect(corsHeaders(noOrigin)).toEqual({});
        // A method the route lacks: allowedMethods' 405 keeps the CORS headers set before.
        const wrongMethod = await send(port, 'DELETE', '/hello', { origin: PAGE });
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.headers['access-control-allow-origin']).toBe(PAGE);
      });
    });

    it('app-wide cors() mounted after the routes still answers preflights first (allowedMethods acts on the way back)', async () => {
      const router = new Router();
      router.put('/items/:id', (ctx) => {
        ctx.body = 'updated';
      });
      const app = newApp(Koa);
      app.use(router.routes());
      app.use(router.allowedMethods());
      app.use(cors({ origin: [PAGE] }));
      await withServer(app, async (port) => {
        const preflight = await send(port, 'OPTIONS', '/items/42', {
          origin: PAGE,
          'access-control-request-method': 'PUT',
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.allow).toBeUndefined();
        // But the routes answered before cors() ran: mount cors() before the routes.
        const put = await send(port, 'PUT', '/items/42', { origin: PAGE });
        expect(corsHeaders(put)).toEqual({});
      });
    });

    it('per-router cors() answers a preflight; a non-preflight OPTIONS still gets 200 and Allow', async () => {
      const { app } = twoRouters({ allowedMethods: true });
      await withServer(app, async (port) => {
        const preflight = await send(port, 'OPTIONS', '/api/items/42', {
          origin: PAGE,
          'access-control-request-method': 'PUT',
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.allow).toBeUndefined();
        const plain = await send(port, 'OPTIONS', '/api/items/42', { origin: PAGE });
        expect(plain.status).toBe(200);
        // The OPTIONS route is a real route of the router, so allowedMethods lists it.
        expect(plain.headers.allow?.split(', ').sort()).toEqual(['OPTIONS', 'PUT']);
        expect(corsHeaders(plain)).toEqual({
          'access-control-allow-origin': PAGE,
          'access-control-allow-credentials': 'true',
        });
        const strictPlain = await send(port, 'OPTIONS', '/strict/hello');
        expect(strictPlain.status).toBe(200);
        expect(strictPlain.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS']);
      });
    });

    it('a denied preflight stays denied: allowedMethods does not turn the 403 into a 200', async () => {
      const { app } = twoRouters({ allowedMethods: true });
      await withServer(app, async (port) => {
        const preflight = await send(port, 'OPTIONS', '/strict/hello', {
          origin: PAGE,
          'access-control-request-method': 'GET',
        });
        expect(preflight.status).toBe(403);
        expect(preflight.headers.allow).toBeUndefined();
        expect(corsHeaders(preflight)).toEqual({});
      });
    });
  });
});
