/**
 * Which handler a request reaches, asked of the platform's own router: its `@Cors()` is the
 * request's policy. A preflight is about the request to come, so it is routed as that request: its
 * path with the method it asks for (`Access-Control-Request-Method`, as the core reads it).
 *
 * A handler's `@Cors()` is read off the function Nest registers for its route: Nest copies a
 * controller method's metadata onto it (`RouterExplorer.copyMetadataToCallback`, which the
 * `@RouteConfig()` of @nestjs/platform-fastify relies on too), and `@Cors()` on a controller is set
 * on each of its methods (decorator.ts). So the paths, prefixes, versions and exclusions are Nest's,
 * and the matching and ranking are the platform's; none of them is restated here.
 *
 * Neither platform has a public lookup of the route a method and path reach:
 * - Express 5 keeps its routes as layers of `app.router.stack` (router 2.x): `layer.match(path)`
 *   matches with the app's own settings (case, trailing slash), and `route._handlesMethod(method)`
 *   says whether a route serves a method (HEAD and `all` included). Neither is documented; Express
 *   dispatches to the first route layer for which both hold, and so does {@link expressRoute}.
 * - Fastify 5's `findRoute({ method, url })` returns Fastify's shared `routeHandler` (the same for
 *   every route), so which route matched cannot be read back. Fastify routes preflights itself
 *   instead: for each method and URL Nest registers, an `OPTIONS` route at that URL constrained (a
 *   public constraint strategy) to the preflights asking for that method; find-my-way then picks
 *   among them with its own ranking, options and backtracking. Actual requests are routed before
 *   the `onRequest` hook (`request.routeOptions`).
 *
 * test/drift.test.ts pins each of these against the versions the suites run: Nest 11, Express 5
 * (router 2), Fastify 5 (find-my-way 9).
 */
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { corsRouteConstraint, corsRouteMethod, routeOfMethod } from '@cors/core';
import { CORS_METADATA, routePoliciesDeclared, type RouteCorsMetadata } from './decorator.js';

/** The `@Cors()` of the handler a request reaches; `undefined` when none or no `@Cors()`. */
export type RouteCors = RouteCorsMetadata | undefined;

function corsOf(handler: unknown): RouteCors {
  return Reflect.getMetadata(CORS_METADATA, handler as object) as RouteCors;
}

interface ExpressLayer {
  /** A middleware's function (`app.use`). */
  readonly handle?: { readonly name?: string };
  readonly route?: {
    _handlesMethod(method: string): boolean;
    readonly stack: readonly { readonly handle: unknown }[];
  };
  /** What matched, or `false` (router 2.3; earlier 2.x return a boolean). */
  match(path: string): object | boolean;
}

/** An Express 5 application, as far as its router goes. */
export interface ExpressApp {
  readonly router: { readonly stack: readonly ExpressLayer[] };
}

/** The `@Cors()` of the handler Express dispatches the request (or the one it asks about) to. */
export function expressRoute(app: ExpressApp, req: IncomingMessage): RouteCors {
  if (!routePoliciesDeclared()) return undefined;
  const method = corsRouteMethod(req);
  // Express matches the path without the query.
  const path = (req.url ?? '/').split('?', 1)[0] as string;
  for (const layer of app.router.stack) {
    if (layer.route?._handlesMethod(method) === true && layer.match(path) !== false)
      return corsOf(layer.route.stack[0]?.handle);
  }
}

type RouteRegistrar = (url: string, handler: unknown) => unknown;

interface FastifyLike {
  addConstraintStrategy(strategy: object): void;
  route(options: object): unknown;
}

/** A Fastify request, as far as its route goes. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  /** What Fastify tells of the route it matched (none for a 404). */
  readonly routeOptions: { readonly url?: string };
}

/** The name of the constraint that routes a preflight as the request it asks about. */
const PREFLIGHT_CONSTRAINT = 'corsPreflightMethod';

/**
 * Sees each route Nest registers on the Fastify adapter (before it does), and returns the lookup of
 * a request's `@Cors()` and the step that adds the preflight routes once all routes are known.
 */
export function fastifyRoutes(
  adapter: Record<string, unknown>,
  fastify: FastifyLike,
): {
  readonly routeCors: (request: FastifyRequestLike) => RouteCors;
  readonly routePreflights: () => void;
} {
  const routes = new Map<string, Map<string, RouteCors>>();
  for (const name of Object.keys(RequestMethod).filter((key) => Number.isNaN(Number(key)))) {
    // Nest's Fastify adapter has one for every `RequestMethod` (test/drift.test.ts).
    const register = adapter[name.toLowerCase()] as RouteRegistrar;
    // Nest registers a route as `adapter.get(path, handler)`, and so on.
    adapter[name.toLowerCase()] = (url: string, handler: unknown) => {
      const byMethod = routes.get(url) ?? new Map<string, RouteCors>();
      routes.set(url, byMethod);
      // Routes sharing a method and URL differ by constraints a preflight lacks (header versions):
      // the first registered decides, as on Express.
      if (!byMethod.has(name)) byMethod.set(name, corsOf(handler));
      return register.call(adapter, url, handler);
    };
  }
  // Only preflights reach the OPTIONS routes below with a method other than OPTIONS.
  fastify.addConstraintStrategy(corsRouteConstraint(PREFLIGHT_CONSTRAINT));
  return {
    // Not called without any @Cors() (see createFastifyCorsStep): Fastify builds a new object on
    // every read of `request.routeOptions`.
    routeCors: (request) =>
      routeOfMethod(routes.get(request.routeOptions.url ?? ''), corsRouteMethod(request.raw)),
    routePreflights: () => {
      for (const [url, byMethod] of routes) {
        // A URL with its own OPTIONS route keeps it, for preflights that go on (preflightContinue).
        if (byMethod.has('OPTIONS') || byMethod.has('ALL')) continue;
        for (const method of byMethod.keys()) {
          fastify.route({
            method: 'OPTIONS',
            url,
            constraints: { [PREFLIGHT_CONSTRAINT]: method },
            // Reached by a preflight the policy lets go on: no route serves OPTIONS here.
            handler: (_request: unknown, reply: { callNotFound(): void }) => reply.callNotFound(),
          });
        }
      }
    },
  };
}
