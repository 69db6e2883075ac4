/**
 * Cross-origin (CSRF) protection through @cors/node over real HTTP: the policy's
 * `crossOriginProtection`, `onCrossOriginDecision`, the standalone `crossOriginProtection()`, and
 * the target as received (Express `originalUrl`). The full CSRF table is replayed in
 * packages/conformance (test/csrf.test.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { createCorsPolicy, crossOriginRefusalResponse, type CrossOriginDecision } from '@cors/core';
import { cors, crossOriginProtection, handleCors, type CorsMiddleware } from '../src/index.js';
import { close, listen, send } from './http.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
});

/** A node:http server running `middleware` then a route that counts its calls. */
async function serve(middleware: CorsMiddleware) {
  const calls = { route: 0 };
  const { server, port } = await listen((req: IncomingMessage, res: ServerResponse) => {
    middleware(req, res, (error?: unknown) => {
      if (error !== undefined) return void res.writeHead(500).end('error');
      calls.route++;
      res.end('route');
    });
  });
  servers.push(server);
  return { port, calls };
}

const crossSite = (origin: string) => ({ origin, 'sec-fetch-site': 'cross-site' });

describe('cors({ crossOriginProtection })', () => {
  it('refuses a cross-site form POST with 403 and never runs the route', async () => {
    const { port, calls } = await serve(cors({ origin: [APP], crossOriginProtection: true }));
    const reply = await send(port, 'POST', '/transfer', crossSite(EVIL));
    const refusal = crossOriginRefusalResponse({
      allowed: false,
      reason: 'cross-site',
      message: '',
    });
    expect(reply.status).toBe(403);
    expect(reply.body).toBe(refusal.body);
    expect(reply.headers['content-type']).toBe(refusal.headers['content-type']);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(calls.route).toBe(0);
  });

  it('puts the CORS headers on the refusal of an origin CORS allows (so the page can read why)', async () => {
    const { port, calls } = await serve(cors({ origin: [APP], crossOriginProtection: true }));
    const reply = await send(port, 'POST', '/transfer', crossSite(APP));
    expect(reply.status).toBe(403);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(calls.route).toBe(0);
  });

  it('runs the route once for a same-origin POST, a trusted origin, and a GET', async () => {
    const { port, calls } = await serve(
      cors({ origin: [APP], credentials: true, crossOriginProtection: true }),
    );
    expect((await send(port, 'POST', '/', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await send(port, 'POST', '/', crossSite(APP))).status).toBe(200);
    expect((await send(port, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    expect(calls.route).toBe(3);
  });

  it('leaves requests alone when the policy has no protection', async () => {
    const { port, calls } = await serve(cors({ origin: [APP] }));
    expect((await send(port, 'POST', '/', crossSite(EVIL))).status).toBe(200);
    expect(calls.route).toBe(1);
  });

  it('reports every checked request to onCrossOriginDecision, passes and refusals alike', async () => {
    const seen: string[] = [];
    const { port } = await serve(
      cors({
        origin: [APP],
        crossOriginProtection: true,
        onCrossOriginDecision: (decision, req) => seen.push(`${req.method} ${decision.reason}`),
      }),
    );
    await send(port, 'GET', '/');
    await send(port, 'POST', '/', crossSite(EVIL));
    await send(port, 'POST', '/', { 'sec-fetch-site': 'same-origin' });
    // A preflight is answered by CORS and never reaches the check.
    await send(port, 'OPTIONS', '/', { origin: APP, 'access-control-request-method': 'PUT' });
    expect(seen).toEqual(['GET safe-method', 'POST cross-site', 'POST same-origin']);
  });

  it('waits for an async trusted-origin function, and sends its failure to next(error)', async () => {
    const { port, calls } = await serve(
      cors({
        origin: [APP],
        crossOriginProtection: {
          trustedOrigins: [
            async (origin) => {
              if (origin === 'https://broken.example') throw new Error('store down');
              return origin === 'https://partner.example';
            },
          ],
        },
      }),
    );
    expect((await send(port, 'POST', '/', crossSite('https://partner.example'))).status).toBe(200);
    expect((await send(port, 'POST', '/', crossSite(EVIL))).status).toBe(403);
    expect((await send(port, 'POST', '/', crossSite('https://broken.example'))).body).toBe('error');
    expect(calls.route).toBe(1);
  });

  it('is enforced by handleCors for a custom server', async () => {
    const policy = createCorsPolicy({ origin: [APP], crossOriginProtection: true });
    let route = 0;
    const { server, port } = await listen((req, res) => {
      if (handleCors(req, res, policy)) return;
      route++;
      res.end('route');
    });
    servers.push(server);
    expect((await send(port, 'PUT', '/x', crossSite(EVIL))).status).toBe(403);
    expect(route).toBe(0);
  });

  it.each([
    ['Express 4', express4],
    ['Express 5', express5],
  ] as const)(
    '%s: matches bypass patterns against req.originalUrl, not the mounted router’s req.url',
    async (_name, express) => {
      const app = (express as typeof express5)();
      const router = express5.Router();
      let route = 0;
      router.use(
        cors({ origin: [APP], crossOriginProtection: { bypass: ['POST /oauth/callback'] } }),
      );
      router.post('/oauth/callback', (_req, res) => void (route++, res.send('route')));
      router.post('/callback', (_req, res) => void (route++, res.send('route')));
      app.use('/api', router);
      app.use('/oauth', router);
      const { server, port } = await listen(app);
      servers.push(server);
      // Under /api the router sees /oauth/callback, but the request-target is /api/oauth/callback.
      expect((await send(port, 'POST', '/api/oauth/callback', crossSite(EVIL))).status).toBe(403);
      // Under /oauth the router sees /callback; the target /oauth/callback is the bypassed one.
      expect((await send(port, 'POST', '/oauth/callback', crossSite(EVIL))).status).toBe(200);
      expect(route).toBe(1);
    },
  );

  it('refuses an onCrossOriginDecision that is not a function', () => {
    expect(() =>
      cors({ origin: [APP], onCrossOriginDecision: 'log' as unknown as () => void }),
    ).toThrow(expect.objectContaining({ option: 'onCrossOriginDecision' }) as Error);
  });
});

describe('crossOriginProtection() (no CORS)', () => {
  it('refuses cross-site unsafe requests and passes the rest, reporting each', async () => {
    const seen: CrossOriginDecision[] = [];
    const { port, calls } = await serve(
      crossOriginProtection({ onCrossOriginDecision: (decision) => seen.push(decision) }),
    );
    const refused = await send(port, 'DELETE', '/items/1', crossSite(EVIL));
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(
      (await send(port, 'DELETE', '/items/1', { 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(200);
    expect((await send(port, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    expect(calls.route).toBe(2);
    expect(seen.map((d) => d.reason)).toEqual(['cross-site', 'same-origin', 'safe-method']);
  });

  it('works with no next (a bare node:http handler) and with an async trusted origin', async () => {
    const middleware = crossOriginProtection({
      trustedOrigins: [async (origin) => origin === APP],
    });
    const { server, port } = await listen((req, res) => {
      middleware(req, res);
      if (!res.headersSent) setTimeout(() => res.headersSent || res.end('late'), 50);
    });
    servers.push(server);
    expect((await send(port, 'POST', '/', crossSite(EVIL))).status).toBe(403);
    expect((await send(port, 'POST', '/', crossSite(APP))).body).toBe('late');
  });

  it('answers 500 when a trusted-origin function throws and there is no next', async () => {
    const middleware = crossOriginProtection({
      trustedOrigins: [
        () => {
          throw new Error('store down');
        },
      ],
    });
    const { server, port } = await listen((req, res) => middleware(req, res));
    servers.push(server);
    expect((await send(port, 'POST', '/', crossSite(EVIL))).status).toBe(500);
  });

  it('validates its options at start-up', () => {
    expect(() => crossOriginProtection({ trustedOrigins: ['*'] })).toThrow(/trustedOrigins\[0\]/);
  });
});
