/**
 * The shared spec table's per-route rows (issue 13), replayed over real HTTP on every adapter app:
 * a route's own policy, a CORS-off route, a route that sets Vary, 404 and 500 inside a scoped
 * mount, a lower-case requested method, and a policy chosen per request. Each row's expected
 * answer is the core's decision for the policy that governs the route; every adapter must send
 * it byte for byte (status, Access-Control-* lines, the CORS tokens of Vary).
 */
import {
  corsDisabledDecision,
  createCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsRequest,
} from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps, type RunningApp } from '../src/apps/index.js';
import { DEFAULT_STRICT, TENANTS, tenantPolicy } from '../src/apps/types.js';
import { corsPart, send, vectorHeaders } from '../src/http.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const MAIN: CorsOptions = { origin: [APP], credentials: true };
const main = createCorsPolicy(MAIN);
const strict = createCorsPolicy(DEFAULT_STRICT);
const tenant = tenantPolicy();

interface Row {
  readonly name: string;
  readonly path: string;
  readonly host?: string;
  readonly request: CorsRequest;
  /** The core's decision for the policy that governs the route. */
  readonly decision: CorsDecision;
  /** The route's own status and body when the decision lets the request through. */
  readonly route?: { status: number; body?: string };
  /** Adapters whose apps do not have this kind of route, and why (see src/apps/types.ts). */
  readonly except?: readonly string[];
  /** A token the route itself put in Vary, which must stay. */
  readonly routeVary?: string;
}

const preflight = (origin: string, requestMethod: string): CorsRequest => ({
  method: 'OPTIONS',
  origin,
  requestMethod,
});
const decide = (policy: CorsPolicy, request: CorsRequest) => policy.decide(request) as CorsDecision;

const rows: Row[] = [
  {
    name: 'route policy: an actual request from an origin only the app-wide policy allows',
    path: '/strict/hello',
    request: { method: 'GET', origin: APP },
    decision: decide(strict, { method: 'GET', origin: APP }),
    route: { status: 200 },
  },
  {
    name: "route policy: the route's own origin, actual request",
    path: '/strict/hello',
    request: { method: 'GET', origin: ADMIN },
    decision: decide(strict, { method: 'GET', origin: ADMIN }),
    route: { status: 200 },
  },
  {
    name: 'route policy: a preflight from an origin the route refuses is refused',
    path: '/strict/hello',
    request: preflight(APP, 'PUT'),
    decision: decide(strict, preflight(APP, 'PUT')),
  },
  {
    name: "route policy: a preflight from the route's own origin is granted",
    path: '/strict/hello',
    request: preflight(ADMIN, 'PUT'),
    decision: decide(strict, preflight(ADMIN, 'PUT')),
  },
  {
    name: "lower-case requested method: 'put' is decided by the route's policy, refused",
    path: '/strict/hello',
    request: preflight(APP, 'put'),
    decision: decide(strict, preflight(APP, 'put')),
  },
  {
    name: "lower-case requested method: 'put' from the route's origin, granted as PUT",
    path: '/strict/hello',
    request: preflight(ADMIN, 'put'),
    decision: decide(strict, preflight(ADMIN, 'put')),
  },
  {
    name: 'CORS-off route: its preflight is refused with the cors-disabled decision',
    path: '/off',
    request: preflight(APP, 'PUT'),
    decision: corsDisabledDecision(preflight(APP, 'PUT')),
  },
  {
    name: 'CORS-off route: an actual request gets no CORS header and no Vary',
    path: '/off',
    request: { method: 'PUT', origin: APP },
    decision: corsDisabledDecision({ method: 'PUT', origin: APP }),
    route: { status: 200, body: 'off' },
  },
  {
    name: 'a route that sets Vary keeps the CORS tokens, allowed',
    path: '/vary',
    request: { method: 'GET', origin: APP },
    decision: decide(main, { method: 'GET', origin: APP }),
    route: { status: 200, body: 'vary' },
    routeVary: 'accept-encoding',
  },
  {
    name: 'a route that sets Vary keeps the CORS tokens, refused',
    path: '/vary',
    request: { method: 'GET', origin: ADMIN },
    decision: decide(main, { method: 'GET', origin: ADMIN }),
    route: { status: 200, body: 'vary' },
    routeVary: 'accept-encoding',
  },
  {
    name: "404 inside a scoped mount carries the scope's policy",
    path: '/strict/nope',
    request: { method: 'GET', origin: ADMIN },
    decision: decide(strict, { method: 'GET', origin: ADMIN }),
    route: { status: 404 },
    except: ['fastify', 'nest-express', 'nest-fastify'],
  },
  {
    name: "500 inside a scoped mount carries the scope's policy",
    path: '/strict/boom',
    request: { method: 'GET', origin: ADMIN },
    decision: decide(strict, { method: 'GET', origin: ADMIN }),
    route: { status: 500 },
  },
  ...Object.entries(TENANTS).flatMap(([host, origin]): Row[] => [
    {
      name: `per-request selection: ${host}'s own origin, preflight granted`,
      path: '/tenant',
      host,
      request: preflight(origin, 'PUT'),
      decision: decide(tenant(host), preflight(origin, 'PUT')),
    },
    {
      name: `per-request selection: ${host}'s own origin, actual request`,
      path: '/tenant',
      host,
      request: { method: 'GET', origin },
      decision: decide(tenant(host), { method: 'GET', origin }),
      route: { status: 200, body: 'tenant' },
    },
  ]),
  {
    name: "per-request selection: one tenant's origin at another tenant's host is refused",
    path: '/tenant',
    host: 'b.example',
    request: preflight(TENANTS['a.example'] as string, 'PUT'),
    decision: decide(tenant('b.example'), preflight(TENANTS['a.example'] as string, 'PUT')),
  },
];

const running = new Map<string, RunningApp>();
beforeAll(async () => {
  for (const adapter of adapterApps)
    running.set(adapter.name, await adapter.start({ policy: MAIN }));
});
afterAll(async () => {
  await Promise.all([...running.values()].map((app) => app.close()));
});

describe.each(rows)('$name', (row) => {
  it('decides as the table says (the expectation is not vacuous)', () => {
    expect(row.decision.end || row.route !== undefined).toBe(true);
  });

  it.each(adapterApps.map((adapter) => adapter.name).filter((name) => !row.except?.includes(name)))(
    '%s sends exactly the core decision',
    async (adapter) => {
      const app = running.get(adapter)!;
      const headers: Record<string, string> = vectorHeaders(row.request);
      if (row.host !== undefined) headers.host = row.host;
      const reply = await send(app.port, row.request.method, row.path, headers);
      const cors = corsPart(reply);
      expect(cors.headers).toEqual(row.decision.headers);
      expect(cors.lines).toBe(Object.keys(row.decision.headers).length);
      expect(cors.vary).toBe(row.decision.vary);
      if (row.routeVary !== undefined)
        expect(String(reply.headers.vary).toLowerCase()).toContain(row.routeVary);
      if (row.decision.end) {
        expect(reply.status).toBe(row.decision.status);
        expect(reply.body).toBe('');
        expect(reply.headers['content-length']).toBe(reply.status === 204 ? undefined : '0');
      } else {
        expect(reply.status).toBe(row.route?.status);
        if (row.route?.body !== undefined) expect(reply.body).toBe(row.route.body);
      }
    },
  );
});
