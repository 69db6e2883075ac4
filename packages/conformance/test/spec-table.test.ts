/**
 * The shared spec table, replayed over real HTTP against every adapter: for the same policy and
 * request, every adapter must send byte-identical CORS headers (Access-Control-* and the CORS
 * tokens of Vary) and the same preflight status, and they must equal the core's decision.
 */
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPolicies, specVectors } from '../../core/test/vectors.js';
import { adapterApps, type RunningApp } from '../src/apps/index.js';
import { corsPart, send, vectorHeaders } from '../src/http.js';

const running = new Map<string, RunningApp>();
const key = (adapter: string, policy: string) => `${adapter}/${policy}`;

beforeAll(async () => {
  for (const adapter of adapterApps) {
    for (const [name, policy] of Object.entries(specPolicies)) {
      running.set(key(adapter.name, name), await adapter.start({ policy }));
    }
  }
});

afterAll(async () => {
  await Promise.all([...running.values()].map((app) => app.close()));
});

describe.each(specVectors)('$name', (vector) => {
  const decision = createCorsPolicy(specPolicies[vector.policy]!).decide(
    vector.request,
  ) as CorsDecision;
  const expectedVary = decision.vary;

  it.each(adapterApps.map((adapter) => adapter.name))(
    '%s sends exactly the core decision',
    async (adapter) => {
      const app = running.get(key(adapter, vector.policy))!;
      const before = app.requests.length;
      const reply = await send(
        app.port,
        vector.request.method,
        '/vector',
        vectorHeaders(vector.request),
      );
      const cors = corsPart(reply);
      expect(cors.headers).toEqual(vector.expect.headers);
      expect(cors.lines).toBe(Object.keys(vector.expect.headers).length); // no header line twice
      expect(cors.vary).toBe(expectedVary);
      if (vector.expect.end) {
        expect(reply.status).toBe(vector.expect.status);
        expect(reply.body).toBe('');
        // An empty body; RFC 9110 §8.6 forbids Content-Length on a 204.
        expect(reply.headers['content-length']).toBe(reply.status === 204 ? undefined : '0');
      } else {
        expect(reply.status).toBe(200);
        expect(reply.body).toBe('route');
      }
      expect(app.requests.length).toBe(before + 1);
    },
  );
});

describe('every adapter', () => {
  it('is in the table', () => {
    expect(adapterApps.length).toBeGreaterThanOrEqual(3);
  });
});
