/**
 * The core's spec table, replayed over real HTTP through `withCors` on every runtime it targets:
 * Node (node:http with Node's own Request and Response), Bun (`Bun.serve`), Deno (`Deno.serve`)
 * and workerd (the Cloudflare Workers runtime). Each must send byte-identical CORS header lines and
 * `Vary`, equal to the core's own decision, with the table's status.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { specVectors } from '../../core/test/vectors.js';
import { close, expectVectorReply, send, serveFetch, vectorHeaders } from './http.js';
import { startOnRuntime, type Runtime } from './runtimes.js';
import { specFetch } from './runtimes/spec-app.js';

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

describe('spec vectors through withCors on Node (node:http, Node’s Request and Response)', () => {
  replay(async () => {
    const { server, port } = await serveFetch(specFetch);
    return { port, stop: () => close(server) };
  });
});

const entries: Record<Runtime, string> = {
  bun: fileURLToPath(new URL('./runtimes/bun.ts', import.meta.url)),
  deno: fileURLToPath(new URL('./runtimes/deno.ts', import.meta.url)),
  workerd: fileURLToPath(new URL('./runtimes/worker.ts', import.meta.url)),
};

describe.each(Object.keys(entries) as Runtime[])(
  'spec vectors through withCors on %s',
  (runtime) => {
    replay(() => startOnRuntime(runtime, entries[runtime]));
  },
);
