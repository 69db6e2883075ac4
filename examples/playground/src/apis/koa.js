/**
 * The playground API on Koa 3 with @koa/router: an /api router under the main policy and a /strict
 * router under its own. Each `cors(...)` is mounted app-wide on its path prefix, before the routers,
 * and never stacked on another: it answers its preflights itself and puts its headers on unknown
 * paths too (a readable 404). Mounted with `router.use()` instead, it would not run for paths no
 * route matches, since @koa/router runs a router's middleware only for routes it matches.
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import { cors } from '@cors/koa';
import {
  dangerousOptions,
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

const ID = 'koa';

export default {
  name: 'Koa 3',
  misconfigure: () => cors(dangerousOptions()),
  async start({ pageOrigin, log }) {
    const onDecision = (decision, ctx) => log(decision, ctx.method, ctx.originalUrl);

    const app = new Koa();
    // The demo reports failures on the page; Koa's default logger would only add noise here.
    app.silent = true;

    // Each policy is mounted app-wide on its own path prefix, before the routers: it then also
    // answers preflights and unknown paths (a 404 with CORS headers), which a router's own
    // `use` would not see, since a router runs its middleware only for routes it matches.
    const apiCors = cors({ ...mainPolicyOptions(pageOrigin), onDecision });
    const strictCors = cors({ ...strictPolicyOptions(), onDecision });
    app.use((ctx, next) => {
      if (ctx.path.startsWith('/api/')) return apiCors(ctx, next);
      if (ctx.path.startsWith('/strict/')) return strictCors(ctx, next);
      return next();
    });

    const api = new Router({ prefix: '/api' });
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

    api.get('/boom', () => {
      throw new Error('boom');
    });

    const strict = new Router({ prefix: '/strict' });
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
