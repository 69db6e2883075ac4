/**
 * What issue 13 found drifting on Nest: Vary lost after the route (`@Header`, `res.setHeader`),
 * the CORS-off answer, the lower-case requested method, per-request selection; and the pin of the
 * framework internals the route lookup follows.
 */
import 'reflect-metadata';
import { Controller, Delete, Get, Header, Module, Put, RequestMethod, Res } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as nestCore from '@nestjs/core';
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cors, CorsModule } from '../src/index.js';
import { platforms, send, start, type Platform, type Reply, type Started } from './helpers.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example';
const seen: CorsDecision[] = [];

const byHost = new Map([
  ['a.example', createCorsPolicy({ origin: ['https://app.a.example'] })],
  ['b.example', createCorsPolicy({ origin: ['https://app.b.example'] })],
]);
const fallback = createCorsPolicy({ origin: [APP] });

@Controller()
class DriftController {
  @Get('header')
  @Header('Vary', 'Accept-Encoding')
  header() {
    return 'header';
  }

  @Get('raw')
  raw(@Res({ passthrough: true }) res: { raw?: ServerResponse } & ServerResponse) {
    (res.raw ?? res).setHeader('Vary', 'Accept-Encoding');
    return 'raw';
  }

  @Cors(false)
  @Put('off')
  off() {
    return 'off';
  }

  @Cors({ origin: [ADMIN] })
  @Delete('items/:id')
  remove() {
    return 'gone';
  }

  @Cors((req) => byHost.get(req.headers.host ?? '') ?? fallback)
  @Get('tenant')
  tenant() {
    return 'tenant';
  }
}

@Module({
  imports: [CorsModule.forRoot({ origin: [APP], onDecision: (d) => seen.push(d) })],
  controllers: [DriftController],
})
class DriftModule {}

function tokens(reply: Reply): string[] {
  const vary = reply.headers.vary;
  return vary === undefined
    ? []
    : String(vary)
        .split(',')
        .map((token) => token.trim().toLowerCase())
        .sort();
}

function cors(reply: Reply): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(reply.headers).filter(([name]) => name.startsWith('access-control-')),
  );
}

describe.each(platforms)('on %s', (platform: Platform) => {
  let server: Started;
  beforeAll(async () => {
    server = await start(platform, DriftModule);
  });
  afterAll(() => server.close());

  it.each(['header', 'raw'])(
    'keeps Origin in Vary, once, when the route sets Vary (%s), allowed and refused alike',
    async (path) => {
      for (const origin of [APP, EVIL]) {
        const reply = await send(server.port, 'GET', `/${path}`, [['origin', origin]]);
        expect(reply.status).toBe(200);
        expect(tokens(reply)).toEqual(['accept-encoding', 'origin']);
      }
    },
  );

  it("answers a preflight to @Cors(false) with the core's cors-disabled decision, Vary included", async () => {
    seen.length = 0;
    const preflight = await send(server.port, 'OPTIONS', '/off', [
      ['origin', APP],
      ['access-control-request-method', 'PUT'],
    ]);
    expect([preflight.status, preflight.body, preflight.headers['content-length']]).toEqual([
      403,
      '',
      '0',
    ]);
    expect(cors(preflight)).toEqual({});
    expect(tokens(preflight)).toEqual([
      'access-control-request-headers',
      'access-control-request-method',
      'origin',
    ]);
    expect(seen.map((d) => d.reason)).toEqual(['cors-disabled']);
  });

  it("decides a lower-case requested method with the route's own policy", async () => {
    const fromApp = await send(server.port, 'OPTIONS', '/items/1', [
      ['origin', APP],
      ['access-control-request-method', 'delete'],
    ]);
    expect([fromApp.status, cors(fromApp)]).toEqual([403, {}]);
    const fromAdmin = await send(server.port, 'OPTIONS', '/items/1', [
      ['origin', ADMIN],
      ['access-control-request-method', 'delete'],
    ]);
    expect([fromAdmin.status, fromAdmin.headers['access-control-allow-origin']]).toEqual([
      204,
      ADMIN,
    ]);
  });

  it('selects a policy per request with @Cors(selector), preflights included', async () => {
    const asA = await send(server.port, 'OPTIONS', '/tenant', [
      ['origin', 'https://app.a.example'],
      ['access-control-request-method', 'GET'],
      ['access-control-request-headers', 'x-tenant'],
    ]);
    // The helper sends Host 127.0.0.1: the fallback policy decides, and refuses tenant A's origin.
    expect(asA.status).toBe(403);
    const raw = await new Promise<Reply>((resolve, reject) => {
      void import('node:http').then(({ request }) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'OPTIONS',
            path: '/tenant',
            headers: {
              host: 'b.example',
              origin: 'https://app.b.example',
              'access-control-request-method': 'GET',
              'access-control-request-headers': 'x-tenant',
            },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    });
    expect(raw.status).toBe(204);
    expect(raw.headers['access-control-allow-origin']).toBe('https://app.b.example');
  });
});

describe('the framework internals the route lookup follows (src/routes.ts)', () => {
  /** The version of `name` that `from` loads (the one the platform really runs). */
  const versionOf = (name: string, from?: string): string => {
    const here = createRequire(import.meta.url);
    const load = from === undefined ? here : createRequire(here.resolve(`${from}/package.json`));
    return (load(`${name}/package.json`) as { version: string }).version;
  };

  it('runs on the versions it was written for: Nest 11, Express 5 (router 2), Fastify 5 (find-my-way 9)', () => {
    expect(versionOf('@nestjs/core')).toMatch(/^11\./);
    expect(versionOf('express', '@nestjs/platform-express')).toMatch(/^5\./);
    expect(versionOf('router', 'express')).toMatch(/^2\./);
    expect(versionOf('fastify', '@nestjs/platform-fastify')).toMatch(/^5\./);
    expect(versionOf('find-my-way', 'fastify')).toMatch(/^9\./);
  });

  it('has no public route lookup in Nest: nothing exported from @nestjs/core resolves a route', () => {
    const exported = Object.keys(nestCore);
    for (const name of ['RouterExplorer', 'RoutesResolver', 'RoutePathFactory'])
      expect(exported).not.toContain(name);
  });

  it("registers on Express a function that carries the handler's metadata, in a router layer that matches and says its methods", async () => {
    const server = await start('express', DriftModule);
    try {
      const app = server.app.getHttpAdapter().getInstance() as {
        router: {
          stack: {
            route?: {
              path: string;
              _handlesMethod(m: string): boolean;
              stack: { handle: object }[];
            };
            match(path: string): object | false;
          }[];
        };
      };
      const layer = app.router.stack.find((l) => l.route?.path === '/items/:id');
      expect(layer?.match('/items/7')).toMatchObject({ params: { id: '7' } });
      expect(layer?.match('/items')).toBe(false);
      expect(layer?.route?._handlesMethod('DELETE')).toBe(true);
      expect(layer?.route?._handlesMethod('GET')).toBe(false);
      const handle = layer?.route?.stack[0]?.handle as object;
      expect(Reflect.getMetadata('@cors/nestjs:route', handle)).toMatchObject({ kind: 'policy' });
    } finally {
      await server.close();
    }
  });

  it('has, on the Fastify adapter, the method Nest registers routes of each RequestMethod with', () => {
    const names = Object.keys(RequestMethod).filter((key) => Number.isNaN(Number(key)));
    const adapter = FastifyAdapter.prototype as unknown as Record<string, unknown>;
    for (const name of names) expect(typeof adapter[name.toLowerCase()], name).toBe('function');
  });

  it("cannot tell Fastify routes apart with findRoute: it returns one shared handler, not the route's", async () => {
    const server = await start('fastify', DriftModule);
    try {
      const fastify = server.app.getHttpAdapter().getInstance() as {
        findRoute(options: { method: string; url: string }): { handler: unknown } | null;
      };
      const off = fastify.findRoute({ method: 'PUT', url: '/off' });
      const remove = fastify.findRoute({ method: 'DELETE', url: '/items/7' });
      expect(off).not.toBeNull();
      expect(Object.keys(off ?? {}).sort()).toEqual(['handler', 'params', 'searchParams']);
      expect(off?.handler).toBe(remove?.handler);
    } finally {
      await server.close();
    }
  });
});
