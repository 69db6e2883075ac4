/**
 * The shared spec table, replayed over real HTTP through the plugin: the plugin must give exactly
 * the headers the core decides, for the same request, as every other adapter.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPolicies, specVectors } from '../../core/test/vectors.js';
import corsPlugin from '../src/index.js';
import { corsHeaders, listen, send, varyTokens } from './helpers.js';

describe('spec vectors over real HTTP (@cors/fastify)', () => {
  const apps: FastifyInstance[] = [];
  const bases = new Map<string, string>();

  beforeAll(async () => {
    for (const [name, options] of Object.entries(specPolicies)) {
      const app = Fastify();
      await app.register(corsPlugin, options);
      // Every method, OPTIONS included, so that a request the hook lets through reaches a route.
      app.all('/resource', async (_request, reply) => {
        reply.header('x-route', 'ran');
        return 'route';
      });
      apps.push(app);
      bases.set(name, await listen(app));
    }
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  for (const vector of specVectors) {
    it(vector.name, async () => {
      const base = bases.get(vector.policy);
      expect(base, `unknown policy ${vector.policy}`).toBeDefined();
      const { request, expect: expected } = vector;
      const headers: Record<string, string> = {};
      if (request.origin != null) headers.origin = request.origin;
      if (request.requestMethod != null)
        headers['access-control-request-method'] = request.requestMethod;
      if (request.requestHeaders != null)
        headers['access-control-request-headers'] = request.requestHeaders;
      if (request.requestPrivateNetwork != null) {
        headers['access-control-request-private-network'] = request.requestPrivateNetwork;
      }
      const response = await send(base as string, request.method, '/resource', headers);

      expect(corsHeaders(response.headers)).toEqual(expected.headers);
      const vary = varyTokens(response.headers).map((token) => token.toLowerCase());
      const expectedVary =
        expected.vary === '' ? [] : expected.vary.split(',').map((t) => t.trim().toLowerCase());
      for (const token of expectedVary) expect(vary).toContain(token);
      if (!expectedVary.includes('origin')) expect(vary).not.toContain('origin');

      if (expected.end) {
        expect(response.status).toBe(expected.status);
        expect(response.body).toBe('');
        expect(response.headers['x-route']).toBeUndefined();
      } else {
        expect(response.status).toBe(200);
        expect(response.body).toBe('route');
        expect(response.headers['x-route']).toBe('ran');
      }
    });
  }
});
