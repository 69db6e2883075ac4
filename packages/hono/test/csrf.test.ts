/**
 * Cross-origin (CSRF) protection through @cors/hono in real Hono 4 apps on @hono/node-server, over
 * real HTTP: the CSRF table replayed through `cors({ crossOriginProtection })` and the standalone
 * `crossOriginProtection()`, then per-path policies, listeners and the refusal's headers.
 *
 * As with @cors/fetch, the handler sees a `Request` whose URL the server built (WHATWG URL parsing
 * resolves `/./` and `/../`) and no TCP peer (so `trustedProxies` never applies, failing closed):
 * each row is held to the core's decision for the request Hono got, and to the table's own answer
 * wherever the path was kept and no peer is needed.
 */
import http, { type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crossOriginRefusalResponse,
  crossOriginRequestFromHeaders,
  type CrossOriginDecision,
} from '@cors/core';
import {
  corsOptionsFor,
  csrfOptionSets,
  csrfVectors,
  protectionFor,
} from '../../core/test/csrf-vectors.js';
import { close, listen, send } from '../../fetch/test/http.js';
import { cors, crossOriginProtection } from '../src/index.js';

const SET_HEADER = 'x-csrf-set';
const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const crossSite = (origin: string) => ({ origin, 'sec-fetch-site': 'cross-site' });

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => close(server)));
});

async function serve(app: Hono): Promise<number> {
  const { server, port } = await listen(getRequestListener(app.fetch));
  servers.push(server);
  return port;
}

const wirings: [string, (set: string) => MiddlewareHandler][] = [
  ['cors({ crossOriginProtection })', (set) => cors(corsOptionsFor(set))],
  [
    'crossOriginProtection()',
    (set) => {
      const options = csrfOptionSets[set]!;
      // A protection on its own trusts no CORS origin: only sets without one replay the same.
      return options.cors === undefined
        ? crossOriginProtection(options.protection)
        : cors(corsOptionsFor(set));
    },
  ],
];

describe.each(wirings)('the CSRF table through %s', (_name, middlewareFor) => {
  const state = { routeRuns: 0, last: undefined as Request | undefined };
  let port: number;
  beforeAll(async () => {
    const listeners = new Map(
      Object.keys(csrfOptionSets).map((set) => {
        const app = new Hono();
        app.use(async (c, next) => {
          state.last = c.req.raw;
          await next();
        });
        app.use(middlewareFor(set));
        app.all('*', (c) => {
          state.routeRuns++;
          return c.text('route');
        });
        return [set, getRequestListener(app.fetch)];
      }),
    );
    const server = http.createServer((req, res) =>
      listeners.get(String(req.headers[SET_HEADER]))!(req, res),
    );
    servers.push(server);
    port = (await listen(server)).port;
  });

  it.each(csrfVectors.map((vector) => [vector.name, vector] as const))('%s', async (_n, vector) => {
    const { method, path, headers } = vector.request;
    const before = state.routeRuns;
    const reply = await send(port, method, path, {
      ...headers,
      [SET_HEADER]: vector.options,
    } as Record<string, string | string[]>);
    const seen = state.last!;
    const expected = protectionFor(vector.options).check(
      crossOriginRequestFromHeaders(seen.method, seen.url, seen.headers),
    ) as CrossOriginDecision;
    const url = new URL(seen.url);
    if (
      url.pathname + url.search === path &&
      !csrfOptionSets[vector.options]!.protection.trustedProxies
    ) {
      expect(expected).toMatchObject(vector.expect);
    }
    if (method === 'OPTIONS' && 'access-control-request-method' in headers) {
      expect(reply.body).not.toMatch(/cross-origin request refused/);
    } else if (expected.allowed) {
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(method === 'HEAD' ? '' : 'route');
      expect(state.routeRuns).toBe(before + 1);
    } else {
      const refusal = crossOriginRefusalResponse(expected);
      expect(reply.status).toBe(403);
      expect(reply.body).toBe(refusal.body);
      expect(reply.headers['content-type']).toBe(refusal.headers['content-type']);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(state.routeRuns).toBe(before);
    }
  });
});

describe('cors({ crossOriginProtection })', () => {
  it('refuses with the CORS headers of an allowed origin, reporting both decisions', async () => {
    const seen: string[] = [];
    let runs = 0;
    const app = new Hono();
    app.use(
      cors({
        origin: [APP],
        crossOriginProtection: true,
        onDecision: (d) => seen.push(`cors ${d.reason}`),
        onCrossOriginDecision: (d, c) => seen.push(`${c.req.method} ${d.reason}`),
      }),
    );
    app.post('/transfer', (c) => (runs++, c.text('done')));
    app.get('/', (c) => (runs++, c.text('home')));
    const port = await serve(app);
    const refused = await send(port, 'POST', '/transfer', crossSite(APP));
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBe(APP);
    expect((await send(port, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    expect(runs).toBe(1);
    expect(seen).toEqual([
      'POST cross-site',
      'cors allowed',
      'GET safe-method',
      'cors origin-not-allowed',
    ]);
  });

  it('lets the last matching middleware’s policy decide: a path can turn it off', async () => {
    const app = new Hono();
    app.use(cors({ origin: [APP], crossOriginProtection: true }));
    app.use('/webhooks/*', cors({ origin: [APP] }));
    app.post('*', (c) => c.text('route'));
    const port = await serve(app);
    expect((await send(port, 'POST', '/webhooks/stripe', crossSite(EVIL))).status).toBe(200);
    expect((await send(port, 'POST', '/transfer', crossSite(EVIL))).status).toBe(403);
  });

  it('waits for async decisions', async () => {
    const app = new Hono();
    app.use(
      cors({
        origin: [async (origin: string) => origin === APP],
        crossOriginProtection: { trustedOrigins: [async (o) => o === 'https://partner.example'] },
      }),
    );
    app.post('*', (c) => c.text('route'));
    const port = await serve(app);
    expect((await send(port, 'POST', '/', crossSite('https://partner.example'))).status).toBe(200);
    const refused = await send(port, 'POST', '/', crossSite(APP));
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('crossOriginProtection()', () => {
  it('reports every decision, and validates its options at start-up', async () => {
    const seen: string[] = [];
    const app = new Hono();
    app.use(
      crossOriginProtection({
        trustedOrigins: [async (o) => o === APP],
        onCrossOriginDecision: (d) => seen.push(d.reason),
      }),
    );
    app.all('*', (c) => c.text('route'));
    const port = await serve(app);
    expect((await send(port, 'POST', '/', crossSite(EVIL))).status).toBe(403);
    expect((await send(port, 'POST', '/', crossSite(APP))).status).toBe(200);
    expect((await send(port, 'GET', '/')).status).toBe(200);
    expect(seen).toEqual(['cross-site', 'trusted-origin', 'safe-method']);
    expect(() => crossOriginProtection({ trustedOrigins: ['null'] })).toThrow(
      /trustedOrigins\[0\]/,
    );
    expect(() =>
      crossOriginProtection({ onCrossOriginDecision: 'x' as unknown as () => void }),
    ).toThrow(expect.objectContaining({ option: 'onCrossOriginDecision' }) as Error);
  });
});
