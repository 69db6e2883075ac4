/** Chromium against an API made of one Fetch handler wrapped by `withCors`, on Node. */
import { withCors } from '../src/index.js';
import { browserSuite } from './browser.js';
import { close, serveFetch } from './http.js';

browserSuite('@cors/fetch', async (options) => {
  const requests: { method: string; path: string }[] = [];
  const handle = withCors((request: Request) => {
    const path = new URL(request.url).pathname;
    requests.push({ method: request.method, path });
    const route = `${request.method} ${path}`;
    if (route === 'GET /api/hello') return Response.json({ message: 'hello' });
    if (route === 'PUT /api/items') return Response.json({ updated: true });
    if (route === 'POST /api/login') {
      return new Response(null, {
        status: 204,
        headers: { 'set-cookie': 'session=@cors/fetch; SameSite=Lax; HttpOnly; Path=/' },
      });
    }
    if (route === 'GET /api/me') {
      const session = /(?:^|; )session=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return Response.json({ session: session ?? null });
    }
    return new Response('not found', { status: 404 });
  }, options);
  const { server, port } = await serveFetch(handle);
  return { port, requests, close: () => close(server) };
});
