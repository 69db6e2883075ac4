/**
 * Cross-origin (CSRF) protection through @cors/fastify over real HTTP: the policy's
 * `crossOriginProtection` checked in the plugin's hook after the CORS decision, `config.cors`
 * (false: none; a route's own policy: its own), `onCrossOriginDecision`, the target as received
 * under a prefix, and the standalone `crossOriginProtection` plugin. The full CSRF table is
 * replayed in packages/conformance (test/csrf.test.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCorsPolicy,
  crossOriginRefusalResponse,
  isCorsConfigError,
  type CrossOriginDecision,
} from '@cors/core';
import { corsPlugin, crossOriginProtection } from '../src/index.js';
import { listen, send } from './helpers.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const crossSite = (origin: string) => ({ origin, 'sec-fetch-site': 'cross-site' });
const REFUSED = crossOriginRefusalResponse({ allowed: false, reason: 'cross-site', message: '' });

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A Fastify app whose routes count their runs. */
function counted() {
  app = Fastify();
  const runs = { count: 0 };
  const route = async () => {
    runs.count++;
    return 'route';
  };
  return { app, runs, route };
}

describe('the policy’s crossOriginProtection', () => {
  it('refuses a cross-site POST with the core’s 403, CORS headers on, and never runs the route', async () => {
    const { app, runs, route } = counted();
    await app.register(corsPlugin, { origin: [APP], crossOriginProtection: true });
    app.post('/transfer', route);
    const base = await listen(app);
    const reply = await send(base, 'POST', '/transfer', crossSite(APP));
    expect(reply.status).toBe(403);
    expect(reply.body).toBe(REFUSED.body);
    expect(reply.headers['content-type']).toBe(REFUSED.headers['content-type']);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect((await send(base, 'POST', '/transfer', crossSite(EVIL))).status).toBe(403);
    expect(runs.count).toBe(0);
  });

  it('lets same-origin writes, credentialed CORS origins and safe methods through, and tells onCrossOriginDecision', async () => {
    const { app, runs, route } = counted();
    const seen: string[] = [];
    await app.register(corsPlugin, {
      origin: [APP],
      credentials: true,
      crossOriginProtection: true,
      onCrossOriginDecision: (decision, request) =>
        seen.push(`${request.method} ${decision.reason}`),
    });
    app.post('/transfer', route);
    app.get('/', route);
    app.put('/items/1', route);
    const base = await listen(app);
    expect((await send(base, 'POST', '/transfer', { 'sec-fetch-site': 'same-origin' })).body).toBe(
      'route',
    );
    expect((await send(base, 'POST', '/transfer', crossSite(APP))).status).toBe(200);
    expect((await send(base, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    // A preflight is answered by CORS and never checked.
    const preflight = await send(base, 'OPTIONS', '/items/1', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    expect(runs.count).toBe(3);
    expect(seen).toEqual(['POST same-origin', 'POST trusted-origin', 'GET safe-method']);
  });

  it('follows config.cors: false has none, a route’s own policy brings its own (or none)', async () => {
    const { app, runs, route } = counted();
    await app.register(corsPlugin, { origin: [APP], crossOriginProtection: true });
    app.post('/webhooks/stripe', { config: { cors: false } }, route);
    app.post('/public', { config: { cors: { origin: '*' } } }, route);
    const guarded = createCorsPolicy({ origin: [APP], crossOriginProtection: { bypass: [] } });
    app.post('/guarded', { config: { cors: guarded } }, route);
    app.post('/transfer', route);
    const base = await listen(app);
    expect((await send(base, 'POST', '/webhooks/stripe', crossSite(EVIL))).status).toBe(200);
    expect((await send(base, 'POST', '/public', crossSite(EVIL))).status).toBe(200);
    expect((await send(base, 'POST', '/guarded', crossSite(EVIL))).status).toBe(403);
    expect((await send(base, 'POST', '/transfer', crossSite(EVIL))).status).toBe(403);
    expect(runs.count).toBe(2);
  });

  it('matches bypass patterns against the target as received, prefix included', async () => {
    const { app, route } = counted();
    await app.register(
      async (api) => {
        await api.register(corsPlugin, {
          origin: [APP],
          crossOriginProtection: { bypass: ['POST /api/oauth/callback'] },
        });
        api.post('/oauth/callback', route);
        api.post('/transfer', route);
      },
      { prefix: '/api' },
    );
    const base = await listen(app);
    expect((await send(base, 'POST', '/api/oauth/callback', crossSite(EVIL))).status).toBe(200);
    expect((await send(base, 'POST', '/api/transfer', crossSite(EVIL))).status).toBe(403);
  });

  it('waits for an async trusted origin; its failure goes to Fastify’s error handler', async () => {
    const { app, runs, route } = counted();
    await app.register(corsPlugin, {
      origin: [APP],
      crossOriginProtection: {
        trustedOrigins: [
          async (origin) => {
            if (origin === 'https://broken.example') throw new Error('store down');
            return origin === 'https://partner.example';
          },
        ],
      },
    });
    app.post('/', route);
    const base = await listen(app);
    expect((await send(base, 'POST', '/', crossSite('https://partner.example'))).status).toBe(200);
    expect((await send(base, 'POST', '/', crossSite(EVIL))).status).toBe(403);
    expect((await send(base, 'POST', '/', crossSite('https://broken.example'))).status).toBe(500);
    expect(runs.count).toBe(1);
  });

  it('checks in the hook the plugin decides in (preHandler)', async () => {
    const { app, runs, route } = counted();
    await app.register(corsPlugin, {
      origin: [APP],
      crossOriginProtection: true,
      hook: 'preHandler',
    });
    app.post('/transfer', route);
    const base = await listen(app);
    expect((await send(base, 'POST', '/transfer', crossSite(EVIL))).status).toBe(403);
    expect(runs.count).toBe(0);
  });
});

describe('the standalone crossOriginProtection plugin', () => {
  it('refuses cross-site writes without CORS headers and passes the rest', async () => {
    const { app, runs, route } = counted();
    const seen: CrossOriginDecision[] = [];
    await app.register(crossOriginProtection, {
      trustedOrigins: [APP],
      onCrossOriginDecision: (decision) => seen.push(decision),
    });
    app.delete('/items/1', route);
    app.get('/', route);
    const base = await listen(app);
    const refused = await send(base, 'DELETE', '/items/1', crossSite(EVIL));
    expect(refused.status).toBe(403);
    expect(refused.body).toBe(REFUSED.body);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect((await send(base, 'DELETE', '/items/1', crossSite(APP))).status).toBe(200);
    expect((await send(base, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    expect(runs.count).toBe(2);
    expect(seen.map((d) => d.reason)).toEqual(['cross-site', 'trusted-origin', 'safe-method']);
  });

  it('validates its options at registration', async () => {
    app = Fastify();
    await expect(app.register(crossOriginProtection, { bypass: ['/a/'] })).rejects.toSatisfy(
      isCorsConfigError,
    );
    app = Fastify();
    await expect(
      app.register(crossOriginProtection, { onCrossOriginDecision: 1 as never }),
    ).rejects.toMatchObject({ option: 'onCrossOriginDecision' });
  });
});

describe('options', () => {
  it('refuses an onCrossOriginDecision that is not a function', async () => {
    app = Fastify();
    await expect(
      app.register(corsPlugin, { origin: [APP], onCrossOriginDecision: 'log' as never }),
    ).rejects.toMatchObject({ option: 'onCrossOriginDecision', code: 'ERR_CORS_ADAPTER_OPTIONS' });
  });
});
