/**
 * The README's first example, run as written: its code block is bundled against the built package
 * (as `@cors/hono` resolves for a user) and served by workerd (`export default app` is a Worker).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send } from '../../fetch/test/http.js';
import { firstExample, startOnRuntime, type RunningRuntime } from '../../fetch/test/runtimes.js';

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

it('the first example serves /api/me with CORS headers, and answers a preflight', async () => {
  const reply = await send(worker.port, 'GET', '/api/me', { origin: 'https://app.example.com' });
  expect(JSON.parse(reply.body)).toEqual({ user: 'ada' });
  expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.com');
  expect(reply.headers['access-control-allow-credentials']).toBe('true');
  const preflight = await send(worker.port, 'OPTIONS', '/api/me', {
    origin: 'https://app.example.com',
    'access-control-request-method': 'PUT',
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
});
