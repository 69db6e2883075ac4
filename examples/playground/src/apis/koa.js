/**
 * The playground API on Koa 3 with @koa/router: an /api router under the main policy and a /strict
 * router with its own `cors(...)`. Each policy is mounted on its own router, never app-wide as well:
 * an app-wide cors() would answer every preflight before the routers are reached, so the /strict
 * policy would never see its preflights.
 *
 * @koa/router runs `router.use()` middleware only when a route matches both path and method, and no
 * route here declares OPTIONS; so each router also gets `router.options('/{*path}', c)` with the same
 * middleware, which answers the preflights (it decides once per request even when reached twice).
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import { cors } from '@cors/koa';
import {
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

const ID = 'koa';

export default {
  name: 'Koa 3',
  async start({ pageOrigin, log }) {
    const onDecision = (decision, ctx) => log(decision, ctx.method, ctx.originalUrl);

    const app = new Koa();
    // The demo reports failures on the page; Koa's default logger would only add noise here.
    app.silent = true;

    const api = new Router({ prefix: '/api' });
    const apiCors = cors({ ...mainPolicyOptions(pageOrigin), onDecision });
    api.use(apiCors);
    api.options('/{*path}', apiCors);
    api.get('/hello', (ctx) => {
      ctx.body = { adapter: ID, message: 'hello' };
    });
    api.post('/login', (ctx) => {
      ctx.set('Set-Cookie', sessionCookie(ID));
      ctx.status = 204;
    });
    api.get('/me', (ctx) => {
      ctx.body = { session: readSession(ctx.get('cookie') || undefined) };
    });
    api.put('/items/42', (ctx) => {
      // The JSON body is not needed: the answer echoes the custom header the preflight allowed.
      ctx.body = { updated: true, custom: ctx.get('x-custom') || null };
    });
    api.get('/exposed', (ctx) => {
      ctx.set('X-Request-Id', requestId());
      ctx.set('X-Hidden', 'secret');
      ctx.body = { exposed: 'X-Request-Id' };
    });

    const strict = new Router({ prefix: '/strict' });
    const strictCors = cors({ ...strictPolicyOptions(), onDecision });
    strict.use(strictCors);
    strict.options('/{*path}', strictCors);
    strict.get('/hello', (ctx) => {
      ctx.body = { adapter: ID, message: 'strict' };
    });

    app.use(api.routes());
    app.use(api.allowedMethods());
    app.use(strict.routes());
    app.use(strict.allowedMethods());

    const server = await new Promise((resolve, reject) => {
      const listening = app.listen(0, '127.0.0.1');
      listening.once('listening', () => resolve(listening));
      listening.once('error', reject);
    });
    const { port } = server.address();
    return {
      url: `http://localhost:${port}`,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
