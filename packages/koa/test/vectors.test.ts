/**
 * The core's spec table, replayed over real HTTP through this middleware on Koa 2 and Koa 3: every
 * adapter must send byte-identical CORS headers for the same request.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { specPolicies, specVectors } from '../../core/test/vectors.js';
import { cors } from '../src/index.js';
import { close, expectVectorReply, listenKoa, send, vectorHeaders } from './http.js';
import { koaVersions, newApp } from './versions.js';

describe.each(koaVersions)('spec vectors through $name', ({ Koa }) => {
  const ports = new Map<string, number>();
  const running: Server[] = [];
  let routeRuns = 0;

  beforeAll(async () => {
    for (const [policyName, options] of Object.entries(specPolicies)) {
      // One app per policy, answering `200 route` for every method and path after cors().
      const app = newApp(Koa);
      app.use(cors(options));
      app.use((ctx) => {
        routeRuns++;
        ctx.body = 'route';
      });
      const { server, port } = await listenKoa(app);
      running.push(server);
      ports.set(policyName, port);
    }
  });
  afterAll(async () => {
    await Promise.all(running.map((server) => close(server)));
  });

  for (const vector of specVectors) {
    it(vector.name, async () => {
      const before = routeRuns;
      const reply = await send(
        ports.get(vector.policy)!,
        vector.request.method,
        '/spec',
        vectorHeaders(vector.request),
      );
      expectVectorReply(reply, vector.expect, routeRuns > before);
    });
  }
});
