/**
 * Cross-origin (CSRF) protection through @cors/koa over real HTTP, on Koa 2 and 3: the policy's
 * `crossOriginProtection`, `onCrossOriginDecision`, per-path policies, the standalone
 * `crossOriginProtection()`, and `ctx.originalUrl` as the target. The full CSRF table is replayed
 * in packages/conformance (test/csrf.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { crossOriginRefusalResponse, type CrossOriginDecision } from '@cors/core';
import { cors, corsUnder, crossOriginProtection, type CorsMiddleware } from '../src/index.js';
import { send } from './http.js';
import { koaVersions, newApp, withServer, type KoaClass } from './versions.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const crossSite = (origin: string) => ({ origin, 'sec-fetch-site': 'cross-site' });
const REFUSED = crossOriginRefusalResponse({ allowed: false, reason: 'cross-site', message: '' });

describe.each(koaVersions)('$name', ({ Koa }) => {
  function appWith(Koa: KoaClass, ...middleware: CorsMiddleware[]) {
    const app = newApp(Koa);
    const runs = { count: 0 };
    for (const m of middleware) app.use(m);
    app.use((ctx) => {
      runs.count++;
      ctx.body = 'route';
    });
    return { app, runs };
  }

  it('refuses a cross-site POST with the core’s 403, CORS headers on, and never runs the route', async () => {
    const { app, runs } = appWith(Koa, cors({ origin: [APP], crossOriginProtection: true }));
    await withServer(app, async (port) => {
      const reply = await send(port, 'POST', '/transfer', crossSite(APP));
      expect(reply.status).toBe(403);
      expect(reply.body).toBe(REFUSED.body);
      expect(reply.headers['content-type']).toBe(REFUSED.headers['content-type']);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
      expect((await send(port, 'POST', '/transfer', crossSite(EVIL))).status).toBe(403);
    });
    expect(runs.count).toBe(0);
  });

  it('runs the route for same-origin and trusted POSTs and for GETs, reporting each check', async () => {
    const seen: string[] = [];
    const { app, runs } = appWith(
      Koa,
      cors({
        origin: [APP],
        credentials: true,
        crossOriginProtection: true,
        onCrossOriginDecision: (decision, ctx) => seen.push(`${ctx.method} ${decision.reason}`),
      }),
    );
    await withServer(app, async (port) => {
      expect((await send(port, 'POST', '/', { 'sec-fetch-site': 'same-origin' })).body).toBe(
        'route',
      );
      expect((await send(port, 'POST', '/', crossSite(APP))).body).toBe('route');
      expect((await send(port, 'GET', '/', crossSite(EVIL))).body).toBe('route');
      await send(port, 'OPTIONS', '/', { origin: APP, 'access-control-request-method': 'PUT' });
    });
    expect(runs.count).toBe(3);
    expect(seen).toEqual(['POST same-origin', 'POST trusted-origin', 'GET safe-method']);
  });

  it('turns off per path: a policy without the option has no protection', async () => {
    const app = newApp(Koa);
    app.use(corsUnder('/webhooks', { origin: [APP] }));
    app.use(corsUnder('/api', { origin: [APP], crossOriginProtection: true }));
    app.use((ctx) => void (ctx.body = 'route'));
    await withServer(app, async (port) => {
      expect((await send(port, 'POST', '/webhooks/stripe', crossSite(EVIL))).status).toBe(200);
      expect((await send(port, 'POST', '/api/transfer', crossSite(EVIL))).status).toBe(403);
    });
  });

  it('waits for an async trusted origin; its failure goes to Koa’s error handling', async () => {
    const { app, runs } = appWith(
      Koa,
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
    await withServer(app, async (port) => {
      expect((await send(port, 'POST', '/', crossSite('https://partner.example'))).status).toBe(
        200,
      );
      expect((await send(port, 'POST', '/', crossSite(EVIL))).status).toBe(403);
      expect((await send(port, 'POST', '/', crossSite('https://broken.example'))).status).toBe(500);
    });
    expect(runs.count).toBe(1);
  });

  it('matches bypass patterns against ctx.originalUrl, not a mount’s ctx.url', async () => {
    const app = newApp(Koa);
    // What koa-mount does: strip the prefix from ctx.path (so ctx.url) for what follows.
    app.use((ctx, next) => {
      if (ctx.path.startsWith('/api/')) ctx.path = ctx.path.slice('/api'.length);
      return next();
    });
    app.use(cors({ origin: [APP], crossOriginProtection: { bypass: ['POST /oauth/callback'] } }));
    app.use((ctx) => void (ctx.body = 'route'));
    await withServer(app, async (port) => {
      expect((await send(port, 'POST', '/api/oauth/callback', crossSite(EVIL))).status).toBe(403);
      expect((await send(port, 'POST', '/oauth/callback', crossSite(EVIL))).status).toBe(200);
    });
  });

  it('crossOriginProtection() alone refuses cross-site writes and passes the rest', async () => {
    const seen: CrossOriginDecision[] = [];
    const { app, runs } = appWith(
      Koa,
      crossOriginProtection({
        trustedOrigins: [async (origin) => origin === APP],
        onCrossOriginDecision: (decision) => seen.push(decision),
      }),
    );
    await withServer(app, async (port) => {
      const refused = await send(port, 'DELETE', '/items/1', crossSite(EVIL));
      expect(refused.status).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      expect((await send(port, 'DELETE', '/items/1', crossSite(APP))).status).toBe(200);
      expect((await send(port, 'PUT', '/', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      expect((await send(port, 'GET', '/', crossSite(EVIL))).status).toBe(200);
    });
    expect(runs.count).toBe(3);
    expect(seen.map((d) => d.reason)).toEqual([
      'cross-site',
      'trusted-origin',
      'same-origin',
      'safe-method',
    ]);
  });
});

describe('options', () => {
  it('are validated at start-up', () => {
    expect(() => crossOriginProtection({ bypass: ['/a/'] })).toThrow(/bypass\[0\]/);
    expect(() =>
      cors({ origin: [APP], onCrossOriginDecision: 1 as unknown as () => void }),
    ).toThrow(expect.objectContaining({ option: 'onCrossOriginDecision' }) as Error);
  });
});
