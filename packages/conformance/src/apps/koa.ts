import Koa3 from 'koa';
import Koa2 from 'koa2';
import { Router } from '@koa/router';
import { cors, corsOff, corsUnder } from '@cors/koa';
import { cookieValue, countRequests, listen, running } from './server.js';
import { BoomError, DEFAULT_STRICT, tenantPolicy, type AdapterApp } from './types.js';

type KoaClass = typeof Koa3;
type KoaContext = Koa3.Context;

function koaApp(name: string, Koa: KoaClass): AdapterApp {
  return {
    name,
    async start({ policy, strict = DEFAULT_STRICT }) {
      const app = new Koa();
      app.silent = true;

      // Each policy on its own paths: the main one app-wide except /strict (a scoped mount in front
      // of its router, which keeps its 404s and 405s), /off (CORS off) and /tenant (per request).
      const mainCors = cors(policy);
      const off = corsOff();
      const tenant = tenantPolicy();
      const tenantCors = cors<KoaContext>((ctx) => tenant(ctx.get('host')));
      app.use((ctx, next) => {
        if (ctx.path.startsWith('/strict/')) return next();
        if (ctx.path === '/off') return off(ctx, next);
        if (ctx.path === '/tenant') return tenantCors(ctx, next);
        return mainCors(ctx, next);
      });
      app.use(corsUnder('/strict', strict));

      const strictRouter = new Router({ prefix: '/strict' });
      strictRouter.get('/hello', (ctx) => void (ctx.body = { adapter: name, message: 'hello' }));
      strictRouter.put('/hello', (ctx) => void (ctx.body = { adapter: name, message: 'hello' }));
      strictRouter.get('/boom', () => {
        throw new BoomError();
      });

      const router = new Router();
      router.all('/vector', (ctx) => void (ctx.body = 'route'));
      router.put('/off', (ctx) => void (ctx.body = 'off'));
      router.all('/tenant', (ctx) => void (ctx.body = 'tenant'));
      router.get('/vary', (ctx) => {
        ctx.set('Vary', 'Accept-Encoding');
        ctx.body = 'vary';
      });
      router.get('/api/hello', (ctx) => void (ctx.body = { adapter: name, message: 'hello' }));
      router.post('/api/login', (ctx) => {
        ctx.set('Set-Cookie', `session=${name}; Path=/; SameSite=Lax`);
        ctx.status = 204;
      });
      router.get(
        '/api/me',
        (ctx) => void (ctx.body = { session: cookieValue(ctx.get('cookie'), 'session') }),
      );
      const item = (ctx: Koa3.Context) =>
        void (ctx.body = { method: ctx.method, custom: ctx.get('x-custom') || null });
      router.put('/api/items/42', item);
      router.delete('/api/items/42', item);
      router.get('/api/exposed', (ctx) => {
        ctx.set('X-Request-Id', '42');
        ctx.set('X-Hidden', 'secret');
        ctx.body = { ok: true };
      });
      router.get('/api/boom', () => {
        throw new BoomError();
      });

      app.use(strictRouter.routes());
      app.use(router.routes());
      const httpServer = (await import('node:http')).createServer(app.callback());
      const requests = countRequests(httpServer);
      const port = await listen(httpServer);
      return running(httpServer, port, requests);
    },
  };
}

export const koa3App = koaApp('koa3', Koa3);
export const koa2App = koaApp('koa2', Koa2 as unknown as KoaClass);
