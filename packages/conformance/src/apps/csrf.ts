/**
 * The smallest app per adapter for replaying the CSRF table (packages/core/test/csrf-vectors.json):
 * one route that answers any method on any path with `200 route` and counts its runs, behind
 * either the CORS middleware with `crossOriginProtection` or the standalone
 * `crossOriginProtection()`. The option set of each request is chosen by a header
 * ({@link CSRF_SET_HEADER}), which the protection never reads, so one server replays every set.
 */
import http, { type Server } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { createCorsPolicy, type CorsOptions, type CrossOriginProtectionOptions } from '@cors/core';
import * as koa from '@cors/koa';
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

/** Every adapter wired with cross-origin protection (Fastify and Nest are not, yet). */
export const csrfApps: readonly CsrfApp[] = [
  nodeHttpCsrfApp,
  expressCsrfApp('express4', express4 as unknown as Express),
  expressCsrfApp('express5', express5),
  koaCsrfApp('koa2', Koa2 as unknown as KoaClass),
  koaCsrfApp('koa3', Koa3),
];
