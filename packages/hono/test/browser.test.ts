/** Chromium against a Hono app with `cors`, on Node with @hono/node-server. */
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { browserSuite } from '../../fetch/test/browser.js';
import { close, listen } from '../../fetch/test/http.js';
import { cors } from '../src/index.js';

browserSuite('@cors/hono', async (options) => {
  const requests: { method: string; path: string }[] = [];
  const app = new Hono();
  app.use(cors(options));
  // After CORS: records what reached the routes (a preflight answered by CORS never does).
  app.use(async (c, next) => {
    requests.push({ method: c.req.method, path: c.req.path });
    await next();
  });
  app.get('/api/hello', (c) => c.json({ message: 'hello' }));
  app.put('/api/items', (c) => c.json({ updated: true }));
  app.post('/api/login', (c) => {
    setCookie(c, 'session', '@cors/hono', { sameSite: 'Lax', httpOnly: true, path: '/' });
    return c.body(null, 204);
  });
  app.get('/api/me', (c) => c.json({ session: getCookie(c, 'session') ?? null }));
  const { server, port } = await listen(getRequestListener(app.fetch));
  return { port, requests, close: () => close(server) };
});
