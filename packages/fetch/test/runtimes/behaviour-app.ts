/**
 * What withCors does to the responses a runtime makes, served by the runtime itself:
 * `/behaviour/redirect` returns `Response.redirect()`, `/behaviour/proxy?upstream=<url>` returns
 * `fetch(upstream)` unchanged, `/behaviour/stream` streams two chunks half a second apart (a
 * request cannot wait for another on workerd), `/behaviour/throw` throws.
 */
import { withCors } from '../../src/index.js';

export const behaviourFetch = withCors(
  (request: Request): Response | Promise<Response> => {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/behaviour/redirect':
        return Response.redirect('https://elsewhere.example/next', 307);
      case '/behaviour/proxy':
        return fetch(url.searchParams.get('upstream') ?? '');
      case '/behaviour/stream': {
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('first;'));
            await new Promise((resolve) => setTimeout(resolve, 500));
            controller.enqueue(encoder.encode('second'));
            controller.close();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/plain' } });
      }
      case '/behaviour/throw':
        throw new Error('thrown by the handler');
      default:
        return new Response('not found', { status: 404 });
    }
  },
  { origin: ['https://app.example.com'] },
);
