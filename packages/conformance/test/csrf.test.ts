/**
 * The CSRF table (packages/core/test/csrf-vectors.json) replayed over real HTTP on loopback against
 * every adapter wired with cross-origin protection, through the CORS options
 * (`crossOriginProtection`) and through the standalone `crossOriginProtection()`. Every row must get
 * the core's answer: allowed rows reach the route exactly once; refused rows get the core's 403
 * (status, headers, body) and the route never runs. The target is sent exactly as the table
 * writes it (`//oauth/callback`, `%2F`, absolute form), and node:http hands it on unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossOriginRefusalResponse, type CrossOriginDecision } from '@cors/core';
import { corsOptionsFor, csrfOptionSets, csrfVectors } from '../../core/test/csrf-vectors.js';
import {
  CSRF_SET_HEADER,
  csrfApps,
  type CsrfRunningApp,
  type CsrfWiring,
} from '../src/apps/csrf.js';
import { send } from '../src/http.js';

const sets = Object.keys(csrfOptionSets);
const wirings: Record<string, Record<string, CsrfWiring>> = {
  cors: Object.fromEntries(sets.map((set) => [set, { cors: corsOptionsFor(set) }])),
  // On its own the protection trusts no CORS origin: sets with a CORS policy keep the CORS wiring.
  standalone: Object.fromEntries(
    sets.map((set) => {
      const { cors, protection } = csrfOptionSets[set]!;
      return [set, cors === undefined ? { protection } : { cors: corsOptionsFor(set) }];
    }),
  ),
};

const running = new Map<string, CsrfRunningApp>();
beforeAll(async () => {
  for (const app of csrfApps) {
    for (const [wiring, bySet] of Object.entries(wirings)) {
      running.set(`${app.name}/${wiring}`, await app.start(bySet));
    }
  }
});
afterAll(async () => {
  await Promise.all([...running.values()].map((app) => app.close()));
});

const cases = csrfApps.flatMap((app) =>
  Object.keys(wirings).map((wiring) => `${app.name}/${wiring}`),
);

describe.each(cases)('%s', (key) => {
  it.each(csrfVectors.map((vector) => [vector.name, vector] as const))('%s', async (_n, vector) => {
    const app = running.get(key)!;
    const { method, path, headers } = vector.request;
    const before = app.routeRuns();
    const reply = await send(app.port, method, path, {
      ...headers,
      [CSRF_SET_HEADER]: vector.options,
    } as Record<string, string | string[]>);
    if (method === 'OPTIONS' && 'access-control-request-method' in headers) {
      // A CORS preflight: CORS answers it (or, with no CORS, the route); never the protection.
      expect(reply.body).not.toMatch(/cross-origin request refused/);
      return;
    }
    if (vector.expect.allowed) {
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(method === 'HEAD' ? '' : 'route');
      expect(app.routeRuns()).toBe(before + 1);
    } else {
      const refusal = crossOriginRefusalResponse(vector.expect as CrossOriginDecision);
      expect(reply.status).toBe(refusal.status);
      expect(reply.body).toBe(refusal.body);
      expect(reply.headers['content-type']).toBe(refusal.headers['content-type']);
      expect(reply.headers['x-content-type-options']).toBe(
        refusal.headers['x-content-type-options'],
      );
      expect(app.routeRuns()).toBe(before);
    }
  });
});

describe.each(csrfApps.map((app) => app.name))('%s', (name) => {
  it('puts the CORS headers on the refusal of an origin the CORS policy allows', async () => {
    const app = running.get(`${name}/cors`)!;
    // cors-no-credentials: CORS allows https://app.example.com to read, not to send as the user.
    const reply = await send(app.port, 'POST', '/transfer', {
      host: 'api.example.com',
      origin: 'https://app.example.com',
      'sec-fetch-site': 'cross-site',
      [CSRF_SET_HEADER]: 'cors-no-credentials',
    });
    expect(reply.status).toBe(403);
    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(reply.headers.vary).toContain('Origin');
  });
});
