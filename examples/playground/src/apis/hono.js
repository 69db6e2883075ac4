/**
 * The playground API on Hono 4, served on Node by @hono/node-server: `cors(...)` for the main
 * policy on `/api/*` and its own `cors(...)` on `/strict/*`, mounted with Hono's routing. The
 * middleware also puts its headers on `app.notFound`'s and `app.onError`'s answers, so the 404
 * and the 500 stay readable.
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { cors } from '@cors/hono';
import {
  dangerousOptions,
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

const ID = 'hono';

export default {
  name: 'Hono 4',
  misconfigure: () => cors(dangerousOptions()),
  async start({ pageOrigin, log }) {
    const onDecision = (decision, c) => {
      const url = new URL(c.req.url);
      log(decision, c.req.method, url.pathname + url.search);
    };

    const app = new Hono();
    // One policy per path, never two on one request: each answers its own preflights.
    app.use('/api/*', cors({ ...mainPolicyOptions(pageOrigin), onDecision }));
    app.use('/strict/*', cors({ ...strictPolicyOptions(), onDecision }));

    app.get('/api/hello', (c) => c.json({ adapter: ID, message: 'hello' }));
    app.post('/api/login', (c) => {
      c.header('Set-Cookie', sessionCookie(ID));
      return c.body(null, 204);
    });
    app.get('/api/me', (c) => c.json({ session: readSession(c.req.header('cookie')) }));
    app.put('/api/items/42', (c) =>
      // The JSON body is not needed: the answer echoes the custom header the preflight allowed.
      c.json({ updated: true, custom: c.req.header('x-custom') ?? null }),
    );
    app.get('/api/exposed', (c) => {
      c.header('X-Request-Id', requestId());
      c.header('X-Hidden', 'secret');
      return c.json({ exposed: 'X-Request-Id' });
    });
    app.get('/api/boom', () => {
      throw new Error('boom');
    });
    app.get('/strict/hello', (c) => c.json({ adapter: ID, message: 'strict' }));

    app.notFound((c) => c.json({ error: 'not found' }, 404));
    app.onError((_error, c) => c.json({ error: 'internal error' }, 500));

    const server = await new Promise((resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(listening),
      );
      listening.once('error', reject);
    });
    const { port } = server.address();
    return {
      url: `http://localhost:${port}`,
      close: () =>
        new Promise((resolve) => {
          // The page's fetches keep connections alive; closing must not wait on them.
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
