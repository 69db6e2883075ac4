/**
 * The routes of one plugin scope, each with its compiled `config.cors`, and which of them a
 * preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`, so Fastify
 * routes it to an OPTIONS route, not to the `PUT /items/:id` route whose `config.cors` must decide.
 *
 * Fastify's public `findRoute` cannot say which route matched (test/drift.test.ts pins that), so
 * Fastify routes preflights itself, as @cors/nestjs does on Fastify: a constraint strategy (public
 * `addConstraintStrategy`) derives from a preflight the method it asks about, and for each route
 * the plugin sees, an `OPTIONS` route at its URL is constrained to each of its methods and carries
 * its `config.cors`. Fastify's router then picks among them with its own ranking, params,
 * backtracking, prefixes and options, and `request.routeOptions.config` names the policy.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import {
  CorsError,
  corsPolicySource,
  corsPreflightMethod,
  corsRequestFromHeaderRecord,
  createCorsPolicy,
  headerString,
  isCorsConfigError,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySource,
  type CorsRequest,
} from '@cors/core';

/** A route's own policy: a policy or selector, `false` for `cors: false`, `undefined` for the scope's. */
export type RouteEntry = CorsPolicySource<FastifyRequest> | false | undefined;

/** What `onRoute` is given: the route's options, with the URL Fastify made of the prefix. */
export type DeclaredRoute = RouteOptions & { routePath: string; path: string; prefix: string };

/** The options of the plugin's OPTIONS routes: hidden from documentation, its log level, handler. */
export type OptionsRoute = Pick<RouteOptions, 'schema' | 'logLevel' | 'handler'>;

export interface RouteTable {
  /** Compiles a route's `config.cors` and adds its preflight routes to `scope`, where it was declared. */
  add(route: DeclaredRoute, scope: FastifyInstance): void;
  /**
   * The policy of the route that decides a request: its own route, or for a preflight the route it
   * asks about (`Access-Control-Request-Method` at the preflight's URL).
   * @throws {CorsError} `ERR_CORS_ROUTE_NOT_COMPILED` for a route Fastify has and the plugin never saw.
   */
  entryFor(request: FastifyRequest, corsRequest: CorsRequest): RouteEntry;
}

/** The constraint that routes a preflight as the request it asks about. */
const PREFLIGHT_CONSTRAINT = 'corsFastifyPreflightMethod';
/** Marks the config of a preflight route: its `cors` is the one of the route it stands for. */
const kPreflightRoute = Symbol.for('@cors/fastify.preflightRoute');

export function createRouteTable(fastify: FastifyInstance, optionsRoute: OptionsRoute): RouteTable {
  /** Each route's `config.cors` options, compiled once (one `config` may serve several routes). */
  const compiled = new WeakMap<object, CorsPolicy>();

  /** Compiles options when a route is declared: a mistake fails start-up, naming the route. */
  function compile(cors: unknown, method: string | string[], url: string): void {
    if (cors === undefined || cors === false || corsPolicySource(cors) !== undefined) return;
    try {
      compiled.set(
        cors as object,
        compiled.get(cors as object) ?? createCorsPolicy(cors as CorsOptions),
      );
    } catch (error) {
      if (isCorsConfigError(error))
        error.message = `Route ${[method].flat().join(',')} ${url}: config.cors: ${error.message}`;
      throw error;
    }
  }

  // One router for the whole app: a second plugin scope finds the strategy there.
  if (!fastify.hasConstraintStrategy(PREFLIGHT_CONSTRAINT)) {
    fastify.addConstraintStrategy({
      name: PREFLIGHT_CONSTRAINT,
      storage() {
        const byMethod = new Map<unknown, never>();
        return {
          get: (method: unknown) => byMethod.get(method) ?? null,
          set: (method: unknown, store: never) => void byMethod.set(method, store),
        };
      },
      // The method whose route decides a request: a preflight's requested one, else its own. Only
      // preflights reach the OPTIONS routes below with a method other than OPTIONS.
      deriveConstraint: (req: IncomingMessage) =>
        corsPreflightMethod(corsRequestFromHeaderRecord(req.method ?? '', req.headers)) ??
        req.method,
      mustMatchWhenDerived: false,
    });
  }

  return {
    add(route, scope) {
      const cors = route.config?.cors;
      compile(cors, route.method, route.url);
      const methods = [route.method].flat();
      // A route that serves OPTIONS (ours, the app's, `all`) is reached by its preflights itself.
      if (methods.includes('OPTIONS')) return;
      const config = { cors, [kPreflightRoute]: true };
      for (const method of methods) {
        try {
          // Where the route was declared, as it was declared: Fastify applies the prefix (and the
          // slash twin of a `'/'` route) and the route's constraints, with this one added.
          scope.route({
            ...optionsRoute,
            method: 'OPTIONS',
            url: route.routePath || '/',
            prefixTrailingSlash: route.prefixTrailingSlash,
            constraints: { ...route.constraints, [PREFLIGHT_CONSTRAINT]: method },
            config,
          });
        } catch (error) {
          // Fastify accepted the route, so this is the slash twin of an explicit `''` route that a
          // `'/'` one also has: the first wins.
          if ((error as { code?: unknown }).code !== 'FST_ERR_DUPLICATED_ROUTE') throw error;
        }
      }
    },

    entryFor(request, corsRequest) {
      const { config, method } = request.routeOptions;
      const standsFor = (config as { [kPreflightRoute]?: boolean })[kPreflightRoute];
      const asked = corsPreflightMethod(corsRequest);
      // A request reaches its own route; a preflight reaches the route it asks about when that
      // serves OPTIONS, and otherwise the preflight route that stands for it.
      if (asked === undefined || standsFor === true || [method].flat().includes(asked))
        return (compiled.get(config.cors as object) ?? config.cors) as RouteEntry;
      // A method Fastify cannot route (`patch` stays `patch`) has no route: the scope decides.
      if (asked !== asked.toUpperCase()) return undefined;
      // The constraints Fastify derives from a request's headers (none when absent).
      const constraints = {
        host: request.headers.host,
        version: headerString(request.headers['accept-version']),
      };
      const unseen = fastify.findRoute({ method: asked as never, url: request.url, constraints });
      if (unseen === null) return undefined;
      // A route the plugin never saw may have a config.cors of its own: refuse rather than grant
      // its preflight with the scope's policy.
      throw new CorsError(
        'ERR_CORS_ROUTE_NOT_COMPILED',
        `@cors/fastify: route ${asked} ${request.url} was declared where the plugin ` +
          'could not see it (in a plugin loaded before it), so its config.cors is unknown. ' +
          'Register corsPlugin before the plugins that declare routes.',
      );
    },
  };
}
