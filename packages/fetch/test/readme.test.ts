/**
 * The README's first example, run as written: its code block is bundled against the built package
 * (as `@cors/fetch` resolves for a user) and served by workerd, the Cloudflare Workers runtime.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send } from './http.js';
import { firstExample, startOnRuntime, type RunningRuntime } from './runtimes.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

let worker: RunningRuntime;
beforeAll(async () => {
  worker = await startOnRuntime('workerd', {
    contents: firstExample(`${PACKAGE}/README.md`),
    resolveDir: PACKAGE,
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
});

it('the first example serves the route with CORS headers for the listed origin', async () => {
  const reply = await send(worker.port, 'GET', '/', { origin: 'https://app.example.com' });
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toEqual({ user: 'ada' });
  expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.com');
  expect(reply.headers['access-control-allow-credentials']).toBe('true');
  expect(reply.headers.vary).toBe('Origin');
});

it('the first example answers a preflight and refuses another origin', async () => {
  const preflight = await send(worker.port, 'OPTIONS', '/', {
    origin: 'https://app.example.com',
    'access-control-request-method': 'PUT',
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-methods']).toBe('PUT');
  const refused = await send(worker.port, 'GET', '/', { origin: 'https://evil.example' });
  expect(refused.headers['access-control-allow-origin']).toBeUndefined();
});
