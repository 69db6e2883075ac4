/**
 * Cross-origin (CSRF) protection through @cors/fetch on Node (node:http with Node's own Request and
 * Response): the CSRF table replayed over real HTTP through `withCors({ crossOriginProtection })`
 * and `withCrossOriginProtection`, then `corsPreflight`, listeners and the refusal's headers.
 *
 * What a Fetch handler sees is a `Request` whose URL the runtime built and normalised (WHATWG URL
 * parsing resolves `/./` and `/../`); that is the path its router sees too, and the one the check
 * reads. So each row's expected answer is the core's decision for the request as the handler got
 * it, and it must equal the table's own answer wherever the runtime kept the path as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCorsPolicy,
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
import {
  applyCors,
  corsPreflight,
  withCors,
  withCrossOriginProtection,
  type FetchHandler,
} from '../src/index.js';
import { close, send, serveFetch } from './http.js';

const SET_HEADER = 'x-csrf-set';
const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const crossSite = (origin: string) => ({ origin, 'sec-fetch-site': 'cross-site' });

/** A server whose option set is chosen by a header, counting route runs and keeping the requests. */
async function replayServer(wrap: (set: string, route: FetchHandler) => FetchHandler) {
  const state = { routeRuns: 0, last: undefined as Request | undefined };
  const route: FetchHandler = () => {
    state.routeRuns++;
    return new Response('route');
  };
  const handlers = new Map(Object.keys(csrfOptionSets).map((set) => [set, wrap(set, route)]));
  const { server, port } = await serveFetch((request) => {
    state.last = request;
    return handlers.get(request.headers.get(SET_HEADER) ?? '')!(request);
  });
  return { server, port, state };
}

const wirings: [string, (set: string, route: FetchHandler) => FetchHandler][] = [
  ['withCors({ crossOriginProtection })', (set, route) => withCors(route, corsOptionsFor(set))],
  [
    'withCrossOriginProtection',
    (set, route) => {
      const options = csrfOptionSets[set]!;
      // A protection on its own trusts no CORS origin: only sets without one replay the same.
      return options.cors === undefined
        ? withCrossOriginProtection(route, options.protection)
        : withCors(route, corsOptionsFor(set));
    },
  ],
];

describe.each(wirings)('the CSRF table through %s', (_name, wrap) => {
  let running: Awaited<ReturnType<typeof replayServer>>;
  beforeAll(async () => {
    running = await replayServer(wrap);
  });
  afterAll(async () => {
    await close(running.server);
  });
  let keptPath = 0;
  afterAll(() => {
    // Most rows keep their path through the runtime's URL parsing; the rest were checked against
    // the core's decision for the normalised URL.
    expect(keptPath).toBeGreaterThan(csrfVectors.length / 2);
  });

  it.each(csrfVectors.map((vector) => [vector.name, vector] as const))('%s', async (_n, vector) => {
    const { method, path, headers } = vector.request;
    const before = running.state.routeRuns;
    const reply = await send(running.port, method, path, {
      ...headers,
      [SET_HEADER]: vector.options,
    } as Record<string, string | string[]>);
    const seen = running.state.last!;
    const expected = protectionFor(vector.options).check(
      crossOriginRequestFromHeaders(seen.method, seen.url, seen.headers),
    ) as CrossOriginDecision;
    // A Fetch `Request` carries no TCP peer, so `trustedProxies` never applies (X-Forwarded-Host
    // is ignored, failing closed): those rows are held to the core's no-peer decision only.
    const needsPeer = csrfOptionSets[vector.options]!.protection.trustedProxies !== undefined;
    const url = new URL(seen.url);
    if (url.pathname + url.search === path && !needsPeer) {
      keptPath++;
      expect(expected).toMatchObject(vector.expect);
    }
    const preflight = method === 'OPTIONS' && 'access-control-request-method' in headers;
    if (preflight) {
      // Never the protection's business: CORS answers it, or (no CORS) the route does.
      expect(reply.body).not.toMatch(/cross-origin request refused/);
    } else if (expected.allowed) {
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(method === 'HEAD' ? '' : 'route');
      expect(running.state.routeRuns).toBe(before + 1);
    } else {
      const refusal = crossOriginRefusalResponse(expected);
      expect(reply.status).toBe(403);
      expect(reply.body).toBe(refusal.body);
      expect(reply.headers['content-type']).toBe(refusal.headers['content-type']);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(running.state.routeRuns).toBe(before);
    }
  });
});

describe('withCors({ crossOriginProtection })', () => {
  it('puts the CORS headers on the refusal of an origin CORS allows, and reports both decisions', async () => {
    const seen: string[] = [];
    let runs = 0;
    const handler = withCors(
      () => {
        runs++;
        return new Response('route');
      },
      {
        origin: [APP],
        crossOriginProtection: true,
        onDecision: (d) => seen.push(`cors ${d.reason}`),
        onCrossOriginDecision: (d, request) => seen.push(`${request.method} ${d.reason}`),
      },
    );
    const { server, port } = await serveFetch(handler);
    try {
      const reply = await send(port, 'POST', '/transfer', crossSite(APP));
      expect(reply.status).toBe(403);
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
      expect((await send(port, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    } finally {
      await close(server);
    }
    expect(runs).toBe(1);
    expect(seen).toEqual([
      'cors allowed',
      'POST cross-site',
      'cors origin-not-allowed',
      'GET safe-method',
    ]);
  });

  it('waits for an async trusted origin', async () => {
    const handler = withCors(() => new Response('route'), {
      origin: [APP],
      crossOriginProtection: {
        trustedOrigins: [async (origin) => origin === 'https://partner.example'],
      },
    });
    const post = (origin: string) =>
      handler(
        new Request('https://api.example.com/', { method: 'POST', headers: crossSite(origin) }),
      );
    expect((await post('https://partner.example')).status).toBe(200);
    expect((await post(EVIL)).status).toBe(403);
  });
});

describe('corsPreflight + applyCors (a framework’s own chain)', () => {
  const policy = createCorsPolicy({ origin: [APP], crossOriginProtection: true });

  it('corsPreflight answers a refused request with the 403 and its CORS headers', () => {
    const seen: string[] = [];
    const request = new Request('https://api.example.com/transfer', {
      method: 'POST',
      headers: crossSite(APP),
    });
    const refused = corsPreflight(request, policy, {
      onDecision: (d) => seen.push(d.reason),
      onCrossOriginDecision: (d) => seen.push(d.reason),
    }) as Response;
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
    expect(seen).toEqual(['cross-site', 'allowed']);
  });

  it('lets an allowed request go on to applyCors', () => {
    const request = new Request('https://api.example.com/transfer', {
      method: 'POST',
      headers: { origin: APP, 'sec-fetch-site': 'same-origin' },
    });
    expect(corsPreflight(request, policy)).toBeUndefined();
    expect(corsPreflight(request, createCorsPolicy({ origin: [APP] }))).toBeUndefined();
    const response = applyCors(request, new Response('ok'), policy) as Response;
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('waits for async decisions on both sides', async () => {
    const asyncPolicy = createCorsPolicy({
      origin: [async (origin: string) => origin === APP],
      crossOriginProtection: { trustedOrigins: [async () => false] },
    });
    const request = new Request('https://api.example.com/', {
      method: 'PUT',
      headers: crossSite(APP),
    });
    const refused = (await corsPreflight(request, asyncPolicy)) as Response;
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('withCrossOriginProtection', () => {
  it('reports every decision, and validates its options at start-up', async () => {
    const seen: string[] = [];
    const handler = withCrossOriginProtection(() => new Response('route'), {
      onCrossOriginDecision: (d) => seen.push(d.reason),
    });
    const refused = await handler(
      new Request('https://api.example.com/', { method: 'POST', headers: crossSite(EVIL) }),
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect((await handler(new Request('https://api.example.com/'))).status).toBe(200);
    expect(seen).toEqual(['cross-site', 'safe-method']);
    expect(() => withCrossOriginProtection(() => new Response(), { bypass: ['/x/'] })).toThrow(
      /bypass\[0\]/,
    );
    expect(() =>
      withCrossOriginProtection(() => new Response(), {
        onCrossOriginDecision: 1 as unknown as () => void,
      }),
    ).toThrow(expect.objectContaining({ option: 'onCrossOriginDecision' }) as Error);
  });
});
