/**
 * The core's spec table, replayed over real HTTP through this middleware on Koa 2 and Koa 3: every
 * adapter must send byte-identical CORS headers for the same request.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPolicies, specVectors } from '../../core/test/vectors.js';
import { cors } from '../src/index.js';
import { close, corsHeaders, listenKoa, send, varyTokens, type RequestHeaders } from './http.js';
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
      const { request, expect: expected } = vector;
      const headers: RequestHeaders = {};
      if (request.origin != null) headers.origin = request.origin;
      if (request.requestMethod != null)
        headers['access-control-request-method'] = request.requestMethod;
      if (request.requestHeaders != null)
        headers['access-control-request-headers'] = request.requestHeaders;
      if (request.requestPrivateNetwork != null) {
        headers['access-control-request-private-network'] = request.requestPrivateNetwork;
      }
      const before = routeRuns;
      const reply = await send(ports.get(vector.policy)!, request.method, '/spec', headers);

      expect(corsHeaders(reply)).toEqual(expected.headers);
      const vary = varyTokens(reply);
      const expectedVary = expected.vary
        .split(',')
        .map((token) => token.trim().toLowerCase())
        .filter((token) => token !== '');
      for (const token of expectedVary) expect(vary).toContain(token);
      if (!expectedVary.includes('origin')) expect(vary).not.toContain('origin');
      if (expected.end) {
        expect(reply.status).toBe(expected.status);
        expect(reply.body).toBe('');
        expect(routeRuns).toBe(before);
      } else {
        expect(reply.status).toBe(200);
        expect(reply.body).toBe('route');
        expect(routeRuns).toBe(before + 1);
      }
    });
  }
});
