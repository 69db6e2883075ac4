/**
 * The routes of one plugin scope, each with its compiled `config.cors`, and which of them a
 * preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`, so Fastify
 * routes it to an OPTIONS route (ours or the app's), not to the `PUT /items/:id` route whose
 * `config.cors` must decide it.
 *
 * Fastify has no public way to get there: `fastify.findRoute({ method, url })` finds the route but
 * returns only `{ handler, params, searchParams }` (Fastify 5 reduces the surface on purpose; its
 * `handler` is Fastify's shared `routeHandler`, the same function for every route), so neither the
 * route's config nor its pattern can be read back. test/drift.test.ts pins that, so the day Fastify
 * exposes the config this table can go. Until then this module keeps a second router of the same
 * implementation, find-my-way (a dependency of this package, in the range Fastify 5 uses, so that
 * a bundled app has it too), with the same router options, holding every route the plugin saw with
 * its own policy. Per preflight it costs one lookup.
 */
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import {
  CorsError,
  corsPolicySource,
  createCorsPolicy,
  headerString,
  isCorsConfigError,
  corsRequestKind,
  normalizeMethod,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySource,
  type CorsRequest,
} from '@cors/core';

/** A route's own policy: a policy or selector, `false` for `cors: false`, `undefined` for the scope's. */
export type RouteEntry = CorsPolicySource<FastifyRequest> | false | undefined;

/** What `onRoute` is given: the route's options, with the URL Fastify made of the prefix. */
export type DeclaredRoute = RouteOptions & { routePath: string; path: string; prefix: string };

/**
 * The constraints a preflight can be matched on: Fastify's built-in ones, derived from request
 * headers. Custom constraint strategies are not known here and are left out.
 */
const KNOWN_CONSTRAINTS = ['host', 'version'] as const;

export interface RouteTable {
  /** Compiles a route's `config.cors` and records the route; call from `onRoute`. */
  add(route: DeclaredRoute): void;
  /**
   * The policy of the route that decides a request: its own route, or for a preflight the route it
   * asks about (`Access-Control-Request-Method` at the preflight's URL).
   * @throws {CorsError} `ERR_CORS_ROUTE_NOT_COMPILED` for a route Fastify has and the plugin never saw.
   */
  entryFor(request: FastifyRequest, corsRequest: CorsRequest): RouteEntry;
}

function noop(): void {}

export function createRouteTable(fastify: FastifyInstance): RouteTable {
  // The router options Fastify was given: Fastify 5 keeps them in `routerOptions`, or, given at
  // the top (deprecated), among its other options, which find-my-way ignores.
  const config = fastify.initialConfig;
  const router = FindMyWay((config.routerOptions ?? config) as Parameters<typeof FindMyWay>[0]);
  /** Equal option objects (one `config` shared by several routes) are compiled once. */
  const compiled = new WeakMap<object, CorsPolicy>();

  function compile(cors: unknown, method: string | string[], url: string): RouteEntry {
    if (cors === undefined || cors === false) return cors;
    const source = corsPolicySource<FastifyRequest>(cors) ?? compiled.get(cors as object);
    if (source !== undefined) return source;
    try {
      const policy = createCorsPolicy(cors as CorsOptions);
      compiled.set(cors as object, policy);
      return policy;
    } catch (error) {
      if (isCorsConfigError(error))
        error.message = `Route ${[method].flat().join(',')} ${url}: config.cors: ${error.message}`;
      throw error;
    }
  }

  return {
    add(route) {
      // Boxed: find-my-way stores a missing store as null.
      const store = { entry: compile(route.config?.cors, route.method, route.url) };
      const constraints: Record<string, unknown> = {};
      for (const name of KNOWN_CONSTRAINTS)
        if (route.constraints?.[name] !== undefined) constraints[name] = route.constraints[name];
      // Fastify also declares `prefix + '/'` for a `'/'` route, without running onRoute for it.
      const withSlash =
        route.routePath === '' &&
        route.prefix !== '' &&
        (route.prefixTrailingSlash ?? 'both') === 'both';
      for (const path of withSlash ? [route.url, `${route.url}/`] : [route.url]) {
        try {
          router.on(route.method as HTTPMethod, path, { constraints }, noop, store);
        } catch {
          // Fastify accepted this route, so it differs from an earlier one only by a custom
          // constraint this router does not know (or is the slash twin): the first route wins.
        }
      }
    },

    entryFor(request, corsRequest) {
      if (corsRequestKind(corsRequest) !== 'preflight') {
        const { config, method, url } = request.routeOptions;
        return compile((config as { cors?: unknown }).cors, method, url ?? request.url);
      }
      // A preflight is decided by the route it asks about, not by the OPTIONS route it reached.
      const method = normalizeMethod(corsRequest.requestMethod as string);
      // The constraints Fastify derives from a request's headers (none when absent).
      const constraints = {
        host: request.headers.host,
        version: headerString(request.headers['accept-version']),
      };
      // The same router as Fastify's, with its options, so it parses the URL as Fastify just did.
      const found = router.find(method as HTTPMethod, request.url, constraints);
      if (found !== null) return (found.store as { entry: RouteEntry }).entry;
      // A method Fastify cannot route (`patch` stays `patch`) has no route: the scope decides.
      if (method !== method.toUpperCase()) return undefined;
      const unseen = fastify.findRoute({ method: method as never, url: request.url, constraints });
      if (unseen === null) return undefined;
      // A route the plugin never saw may have a config.cors of its own: refuse rather than grant
      // its preflight with the scope's policy.
      throw new CorsError(
        'ERR_CORS_ROUTE_NOT_COMPILED',
        `@cors/fastify: route ${method} ${request.url} was declared where the plugin ` +
          'could not see it (in a plugin loaded before it), so its config.cors is unknown. ' +
          'Register corsPlugin before the plugins that declare routes.',
      );
    },
  };
}
