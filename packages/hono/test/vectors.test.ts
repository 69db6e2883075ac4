/**
 * The core's spec table, replayed over real HTTP through `@cors/hono`: on Node with
 * @hono/node-server, and on Bun with `Bun.serve`. Byte-identical CORS header lines and `Vary`,
 * equal to the core's own decision, with the table's status.
 */
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { specVectors } from '../../core/test/vectors.js';
import { close, expectVectorReply, listen, send, vectorHeaders } from '../../fetch/test/http.js';
import { startOnRuntime } from '../../fetch/test/runtimes.js';
import { specApp } from './runtimes/spec-app.js';

function replay(start: () => Promise<{ port: number; stop: () => Promise<void> }>): void {
  let running: { port: number; stop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    running = await start();
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
  });
  for (const vector of specVectors) {
    it(vector.name, async () => {
      const reply = await send(
        running!.port,
        vector.request.method,
        `/spec/${vector.policy}`,
        vectorHeaders(vector.request),
      );
      expectVectorReply(reply, vector);
    });
  }
}

describe('spec vectors through @cors/hono on @hono/node-server', () => {
  replay(async () => {
    const { server, port } = await listen(getRequestListener(specApp().fetch));
    return { port, stop: () => close(server) };
  });
});

describe('spec vectors through @cors/hono on Bun', () => {
  replay(() => startOnRuntime('bun', fileURLToPath(new URL('./runtimes/bun.ts', import.meta.url))));
});
