/**
 * The smallest app per adapter for replaying the CSRF table (packages/core/test/csrf-vectors.json):
 * one route that answers any method on any path with `200 route` and counts its runs, behind
 * either the CORS middleware with `crossOriginProtection` or the standalone
 * `crossOriginProtection()`. The option set of each request is chosen by a header
 * ({@link CSRF_SET_HEADER}), which the protection never reads, so one server replays every set.
 */
import 'reflect-metadata';
import http, { type IncomingMessage, type Server } from 'node:http';
import { All, Controller, HttpCode, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express5 from 'express';
import express4 from 'express4';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import {
  createCorsPolicy,
  type CorsOptions,
  type CorsPolicy,
  type CrossOriginProtectionOptions,
} from '@cors/core';
import corsPlugin, { crossOriginProtection as fastifyCrossOriginProtection } from '@cors/fastify';
import * as koa from '@cors/koa';
import { CorsModule, crossOriginProtection as nestCrossOriginProtection } from '@cors/nestjs';
import * as node from '@cors/node';
import { closeServer, listen } from './server.js';

/** The request header that names a request's option set. */
export const CSRF_SET_HEADER = 'x-csrf-set';

/** How the protection is wired: through the CORS options, or on its own. */
export type CsrfWiring =
  { readonly cors: CorsOptions } | { readonly protection: CrossOriginProtectionOptions };

export interface CsrfRunningApp {
  readonly port: number;
  /** How many times the route ran. */
  routeRuns(): number;
  close(): Promise<void>;
}

export interface CsrfApp {
  readonly name: string;
  /** Serves one wiring per option set, by name. */
  start(wirings: Readonly<Record<string, CsrfWiring>>): Promise<CsrfRunningApp>;
}

type NodeMiddleware = node.CorsMiddleware;
type Express = typeof express5;
type KoaClass = typeof Koa3;

function nodeMiddleware(wiring: CsrfWiring): NodeMiddleware {
  return 'cors' in wiring ? node.cors(wiring.cors) : node.crossOriginProtection(wiring.protection);
}

function setOf(headers: http.IncomingHttpHeaders): string {
  return String(headers[CSRF_SET_HEADER]);
}

async function running(server: Server, runs: { count: number }): Promise<CsrfRunningApp> {
  const port = await listen(server);
  return { port, routeRuns: () => runs.count, close: () => closeServer(server) };
}

/** node:http with `handleCors(req, res, policy)` (a policy made once), or the standalone middleware. */
export const nodeHttpCsrfApp: CsrfApp = {
  name: 'node-http',
  async start(wirings) {
    const runs = { count: 0 };
    const handlers = new Map(
      Object.entries(wirings).map(([set, wiring]) => {
        if ('protection' in wiring) return [set, node.crossOriginProtection(wiring.protection)];
        const policy = createCorsPolicy(wiring.cors);
        const handler: NodeMiddleware = (req, res, next) => {
          if (!node.handleCors(req, res, policy)) next?.();
        };
        return [set, handler];
      }),
    );
    const server = http.createServer((req, res) => {
      handlers.get(setOf(req.headers))!(req, res, () => {
        runs.count++;
        res.end('route');
      });
    });
    return running(server, runs);
  },
};

function expressCsrfApp(name: string, express: Express): CsrfApp {
  return {
    name,
    async start(wirings) {
      const runs = { count: 0 };
      const middleware = new Map(
        Object.entries(wirings).map(([set, wiring]) => [set, nodeMiddleware(wiring)]),
      );
      const app = express();
      app.use((req, res, next) => middleware.get(setOf(req.headers))!(req, res, next));
      app.use((_req, res) => {
        runs.count++;
        res.send('route');
      });
      return running(http.createServer(app), runs);
    },
  };
}

function koaCsrfApp(name: string, Koa: KoaClass): CsrfApp {
  return {
    name,
    async start(wirings) {
      const runs = { count: 0 };
      const middleware = new Map(
        Object.entries(wirings).map(([set, wiring]) => [
          set,
          'cors' in wiring ? koa.cors(wiring.cors) : koa.crossOriginProtection(wiring.protection),
        ]),
      );
      const app = new Koa();
      app.silent = true;
      app.use((ctx, next) => middleware.get(setOf(ctx.headers))!(ctx, next));
      app.use((ctx) => {
        runs.count++;
        ctx.body = 'route';
      });
      return running(http.createServer(app.callback()), runs);
    },
  };
}

/**
 * Any body, as the other apps take it (Fastify answers 415 to a content type it cannot parse, and
 * 400 to bad JSON): the table's bodies are not the protection's inputs.
 */
function takeAnyBody(
  fastify: Pick<FastifyInstance, 'removeAllContentTypeParsers' | 'addContentTypeParser'>,
): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
}

/**
 * Fastify 5: one instance per option set (the plugin, or the standalone plugin, registered once
 * per scope), reached through Fastify's own `routing` by the set header. The route answers every
 * method on every path, as the 404 handler does for what the router cannot route (`PURGE`, an
 * absolute-form target): both are the route here.
 */
export const fastifyCsrfApp: CsrfApp = {
  name: 'fastify',
  async start(wirings) {
    const runs = { count: 0 };
    const instances = new Map<string, FastifyInstance>();
    for (const [set, wiring] of Object.entries(wirings)) {
      const app = Fastify();
      if ('cors' in wiring) await app.register(corsPlugin, wiring.cors);
      else await app.register(fastifyCrossOriginProtection, wiring.protection);
      const route = async (_request: unknown, reply: { send(body: string): unknown }) => {
        runs.count++;
        return reply.send('route');
      };
      // Not OPTIONS: the CORS plugin has its catch-all, which hands non-preflights to the 404.
      app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '*', handler: route });
      app.setNotFoundHandler(route);
      takeAnyBody(app);
      await app.ready();
      instances.set(set, app);
    }
    const server = http.createServer((req, res) =>
      instances.get(setOf(req.headers))!.routing(req, res),
    );
    const port = await listen(server);
    return {
      port,
      routeRuns: () => runs.count,
      close: async () => {
        await closeServer(server);
        await Promise.all([...instances.values()].map((app) => app.close()));
      },
    };
  },
};

/**
 * A Nest module whose one handler answers every method on every path (`everyPath`: Express 5's
 * `*path`, Fastify's `*`).
 */
function nestModule(
  runs: { count: number },
  imports: DynamicModule[],
  everyPath: string,
): Type<unknown> {
  @Controller()
  class RouteController {
    @All(everyPath)
    @HttpCode(200)
    route() {
      runs.count++;
      return 'route';
    }
  }
  @Module({ imports, controllers: [RouteController] })
  class CsrfModule {}
  return CsrfModule;
}

/** A Nest application, initialised but not listening: requests reach it through its server. */
async function nestServer(
  adapter: ExpressAdapter | FastifyAdapter,
  module: Type<unknown>,
  middleware?: node.CorsMiddleware,
): Promise<{ server: Server; close(): Promise<void> }> {
  // Nest's body parsers off: any body reaches the route, as in the other apps (see nestFastify).
  const app = await NestFactory.create(module, adapter, {
    logger: false,
    abortOnError: false,
    bodyParser: false,
  });
  if (middleware !== undefined) app.use(middleware);
  await app.init();
  // Fastify routes requests once ready, which `listen` would make it; this one never listens.
  await (app.getHttpAdapter().getInstance() as { ready?(): Promise<unknown> }).ready?.();
  return { server: app.getHttpServer() as Server, close: () => app.close() };
}

/**
 * Nest on Express or Fastify, two applications behind one port, picked by the set header: for the
 * sets wired through CORS, `CorsModule` with a selector of the set's policy (the protection runs
 * in @cors/node's step, before everything else); for the others, an application without
 * `CorsModule` and with `app.use(crossOriginProtection(options))` of the set.
 */
function nestCsrfApp(
  name: string,
  adapter: () => ExpressAdapter | FastifyAdapter,
  everyPath: string,
): CsrfApp {
  return {
    name,
    async start(wirings) {
      const runs = { count: 0 };
      const policies = new Map<string, CorsPolicy>();
      const protections = new Map<string, node.CorsMiddleware>();
      for (const [set, wiring] of Object.entries(wirings)) {
        if ('cors' in wiring) policies.set(set, createCorsPolicy(wiring.cors));
        else protections.set(set, nestCrossOriginProtection(wiring.protection));
      }
      const cors = CorsModule.forRoot({
        policy: (req: IncomingMessage) => policies.get(setOf(req.headers))!,
      });
      const withCors = await nestServer(adapter(), nestModule(runs, [cors], everyPath));
      const standalone = await nestServer(
        adapter(),
        nestModule(runs, [], everyPath),
        (req, res, next) => protections.get(setOf(req.headers))!(req, res, next),
      );
      const server = http.createServer((req, res) => {
        const app = policies.has(setOf(req.headers)) ? withCors : standalone;
        app.server.emit('request', req, res);
      });
      const port = await listen(server);
      return {
        port,
        routeRuns: () => runs.count,
        close: async () => {
          await closeServer(server);
          await Promise.all([withCors.close(), standalone.close()]);
        },
      };
    },
  };
}

/**
 * Nest's Fastify adapter taking any body and routing `PURGE`, as Express does: the table's methods
 * and bodies are not the protection's inputs, and each row must reach the route or the refusal.
 */
function nestFastify(): FastifyAdapter {
  const adapter = new FastifyAdapter();
  const fastify = adapter.getInstance();
  fastify.addHttpMethod('PURGE');
  // Nest's Fastify is its own copy of the package: the same methods, another type.
  takeAnyBody(fastify as unknown as FastifyInstance);
  return adapter;
}

/** Every adapter wired with cross-origin protection: the 8 server apps of the conformance suite. */
export const csrfApps: readonly CsrfApp[] = [
  nodeHttpCsrfApp,
  expressCsrfApp('express4', express4 as unknown as Express),
  expressCsrfApp('express5', express5),
  fastifyCsrfApp,
  koaCsrfApp('koa2', Koa2 as unknown as KoaClass),
  koaCsrfApp('koa3', Koa3),
  nestCsrfApp('nest-express', () => new ExpressAdapter(), '*path'),
  nestCsrfApp('nest-fastify', nestFastify, '*'),
];
