/**
 * What withCors does to responses the runtime itself makes, on Node, Bun, Deno and workerd, over
 * real HTTP: `Response.redirect()` and `fetch()` responses (immutable headers) get the headers on a
 * copy, a streamed body arrives chunk by chunk, and an error thrown by the handler reaches the
 * runtime's own error handling untouched.
 */
import http, { type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, listen, send, serveFetch } from './http.js';
import { startOnRuntime, type Runtime } from './runtimes.js';
import { appFetch } from './runtimes/app.js';

const APP = 'https://app.example.com';

let upstream: { server: Server; port: number };
beforeAll(async () => {
  upstream = await listen((_req, res) => {
    res.setHeader('vary', 'Accept-Encoding');
    res.setHeader('x-upstream', 'yes');
    res.end('from upstream');
  });
});
afterAll(async () => {
  await close(upstream?.server);
});

const entries: Record<Runtime, string> = {
  bun: fileURLToPath(new URL('./runtimes/bun.ts', import.meta.url)),
  deno: fileURLToPath(new URL('./runtimes/deno.ts', import.meta.url)),
  workerd: fileURLToPath(new URL('./runtimes/worker.ts', import.meta.url)),
};

const starters: [string, () => Promise<{ port: number; stop: () => Promise<void> }>][] = [
  [
    'Node',
    async () => {
      const { server, port } = await serveFetch(appFetch);
      return { port, stop: () => close(server) };
    },
  ],
  ...(Object.keys(entries) as Runtime[]).map(
    (runtime) => [runtime, () => startOnRuntime(runtime, entries[runtime])] as const,
  ),
] as never;

describe.each(starters)('withCors on %s', (_name, start) => {
  let running: { port: number; stop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    running = await start();
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
  });

  it('copies a Response.redirect() and sets the headers on the copy', async () => {
    const reply = await send(running!.port, 'GET', '/behaviour/redirect', { origin: APP });
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe('https://elsewhere.example/next');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Origin');
  });

  it('copies a fetch() response, body and headers intact, Vary merged', async () => {
    const target = encodeURIComponent(`http://127.0.0.1:${upstream.port}/`);
    const reply = await send(running!.port, 'GET', `/behaviour/proxy?upstream=${target}`, {
      origin: APP,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('from upstream');
    expect(reply.headers['x-upstream']).toBe('yes');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('streams a body through: the first chunk arrives on its own, before the second is made', async () => {
    const port = running!.port;
    const result = await new Promise<{ chunks: string[]; acao: unknown }>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        path: '/behaviour/stream',
        agent: false,
      });
      request.setHeader('origin', APP);
      request.on('error', reject);
      request.on('response', (response) => {
        const chunks: string[] = [];
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ chunks, acao: response.headers['access-control-allow-origin'] }),
        );
      });
      request.end();
    });
    // Half a second separates the two chunks: a body buffered anywhere arrives in one piece.
    expect(result.chunks[0]).toBe('first;');
    expect(result.chunks.join('')).toBe('first;second');
    expect(result.acao).toBe(APP);
  });

  it('lets an error thrown by the handler reach the runtime (its 500, no CORS header added)', async () => {
    const reply = await send(running!.port, 'GET', '/behaviour/throw', { origin: APP });
    expect(reply.status).toBe(500);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });
});
