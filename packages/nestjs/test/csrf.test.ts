/**
 * Cross-origin (CSRF) protection on Nest, on Express and Fastify: `CorsModule`'s policy with
 * `crossOriginProtection` (checked in @cors/node's step, before body parsing, guards and routing),
 * `onCrossOriginDecision`, a route's `@Cors()` policy bringing its own protection, `@Cors(false)`
 * none, and `crossOriginProtection()` for an application without `CorsModule`. The full CSRF table
 * is replayed on both platforms in packages/conformance (test/csrf.test.ts).
 */
import { Controller, Delete, Get, HttpCode, Module, Post } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createCorsPolicy, crossOriginRefusalResponse, type CrossOriginDecision } from '@cors/core';
import { Cors, CorsModule, crossOriginProtection } from '../src/index.js';
import { platforms, send, start, type Started } from './helpers.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const crossSite = (origin: string): [string, string][] => [
  ['origin', origin],
  ['sec-fetch-site', 'cross-site'],
];
const REFUSED = crossOriginRefusalResponse({ allowed: false, reason: 'cross-site', message: '' });

const runs = { count: 0 };

@Controller()
class TransferController {
  @Post('transfer')
  @HttpCode(200)
  transfer() {
    runs.count++;
    return 'route';
  }

  @Get('transfer')
  read() {
    runs.count++;
    return 'route';
  }

  @Cors(false)
  @Post('webhooks/stripe')
  @HttpCode(200)
  webhook() {
    runs.count++;
    return 'route';
  }

  @Cors({ origin: '*' })
  @Post('public')
  @HttpCode(200)
  open() {
    runs.count++;
    return 'route';
  }

  @Cors(createCorsPolicy({ origin: [APP], crossOriginProtection: { trustedOrigins: [APP] } }))
  @Delete('items/1')
  @HttpCode(200)
  remove() {
    runs.count++;
    return 'route';
  }
}

let started: Started | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
  runs.count = 0;
});

describe.each(platforms)('on %s', (platform) => {
  it('refuses a cross-site POST with the core’s 403, CORS headers on, before the route', async () => {
    const seen: string[] = [];
    @Module({
      imports: [
        CorsModule.forRoot({
          origin: [APP],
          crossOriginProtection: true,
          onCrossOriginDecision: (decision: CrossOriginDecision, req: IncomingMessage) =>
            seen.push(`${req.method} ${decision.reason}`),
        }),
      ],
      controllers: [TransferController],
    })
    class AppModule {}
    started = await start(platform, AppModule);
    const refused = await send(started.port, 'POST', '/transfer', crossSite(APP));
    expect(refused.status).toBe(403);
    expect(refused.body).toBe(REFUSED.body);
    expect(refused.headers['content-type']).toBe(REFUSED.headers['content-type']);
    expect(refused.headers['access-control-allow-origin']).toBe(APP);
    const same = await send(started.port, 'POST', '/transfer', [['sec-fetch-site', 'same-origin']]);
    expect(same.status).toBe(200);
    expect((await send(started.port, 'GET', '/transfer', crossSite(EVIL))).status).toBe(200);
    expect(runs.count).toBe(2);
    expect(seen).toEqual(['POST cross-site', 'POST same-origin', 'GET safe-method']);
  });

  it('follows @Cors(): false has none, a route’s own policy brings its own (or none)', async () => {
    @Module({
      imports: [CorsModule.forRoot({ origin: [APP], crossOriginProtection: true })],
      controllers: [TransferController],
    })
    class AppModule {}
    started = await start(platform, AppModule);
    const { port } = started;
    expect((await send(port, 'POST', '/webhooks/stripe', crossSite(EVIL))).status).toBe(200);
    expect((await send(port, 'POST', '/public', crossSite(EVIL))).status).toBe(200);
    expect((await send(port, 'DELETE', '/items/1', crossSite(EVIL))).status).toBe(403);
    expect((await send(port, 'DELETE', '/items/1', crossSite(APP))).status).toBe(200);
    expect(runs.count).toBe(3);
  });

  it('crossOriginProtection() protects an application without CorsModule', async () => {
    const seen: string[] = [];
    @Module({ controllers: [TransferController] })
    class AppModule {}
    started = await start(platform, AppModule, (app) => {
      app.use(
        crossOriginProtection({ onCrossOriginDecision: (decision) => seen.push(decision.reason) }),
      );
    });
    const refused = await send(started.port, 'POST', '/transfer', crossSite(EVIL));
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const same = await send(started.port, 'POST', '/transfer', [['sec-fetch-site', 'same-origin']]);
    expect(same.status).toBe(200);
    expect(runs.count).toBe(1);
    expect(seen).toEqual(['cross-site', 'same-origin']);
  });
});

describe('options', () => {
  it('refuses an onCrossOriginDecision that is not a function, in @Cors() as in the module', () => {
    expect(() => Cors({ origin: [APP], onCrossOriginDecision: 'log' } as never)).toThrow(
      /onCrossOriginDecision/,
    );
  });
});
