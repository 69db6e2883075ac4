/**
 * Which route a preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`,
 * so Fastify routes it to an OPTIONS route (ours or the app's), not to the `PUT /items/:id` route
 * whose `config.cors` must decide it. `fastify.findRoute` finds that route but does not return its
 * config, so this module keeps a second router, of the same implementation (find-my-way, loaded
 * from Fastify's own dependencies) and the same router options, holding every route of the scope
 * with its compiled policy. It is built once, when the app is ready, and only when some route has a
 * `config.cors`; per preflight it costs one lookup.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { CorsError, type CorsPolicy } from '@cors/core';

/** A route's own policy: a policy, `null` for `cors: false`, `undefined` for the scope's policy. */
export type RouteEntry = CorsPolicy | null | undefined;

/** The part of a find-my-way router this module uses. */
interface Router {
  on(
    method: string | string[],
    path: string,
    options: { constraints?: Record<string, unknown> },
    handler: () => void,
    store: { readonly entry: RouteEntry },
  ): void;
  find(
    method: string,
    path: string,
    derivedConstraints?: Record<string, unknown>,
  ): { store: { readonly entry: RouteEntry } } | null;
}

type RouterFactory = (options: Record<string, unknown>) => Router;

/** One route as seen by `onRoute`. */
interface RecordedRoute {
  readonly method: string | string[];
  readonly url: string;
  readonly constraints: Record<string, unknown> | undefined;
  readonly entry: RouteEntry;
}

/** The router options that change which route a path selects. */
const ROUTER_OPTIONS = [
  'caseSensitive',
  'ignoreTrailingSlash',
  'ignoreDuplicateSlashes',
  'maxParamLength',
  'allowUnsafeRegex',
  'useSemicolonDelimiter',
] as const;

/**
 * The constraints a preflight can be matched on: Fastify's built-in ones, derived from request
 * headers. Custom constraint strategies are not known here and are left out.
 */
const KNOWN_CONSTRAINTS = ['host', 'version'] as const;

function noop(): void {}

/** Loads find-my-way from where Fastify resolves it, so both routers are the same code. */
function loadRouterFactory(): RouterFactory {
  try {
    const requireHere = createRequire(import.meta.url);
    const fastifyEntry = requireHere.resolve('fastify');
    return createRequire(fastifyEntry)('find-my-way') as RouterFactory;
  } catch (error) {
    const failure = new CorsError(
      'ERR_CORS_ROUTER_UNAVAILABLE',
      "@cors/fastify could not load find-my-way from Fastify's dependencies, which it needs to find " +
        'the route a preflight is about when routes have `config.cors`. Keep fastify resolvable ' +
        'from @cors/fastify (do not bundle fastify).',
    );
    (failure as Error & { cause?: unknown }).cause = error;
    throw failure;
  }
}

/** The routes of one plugin scope, and the lookup of a preflight's target route. */
export interface RouteTable {
  /** Records a route; call from `onRoute`. */
  add(
    method: string | string[],
    url: string,
    constraints: Record<string, unknown> | undefined,
    entry: RouteEntry,
    alsoWithTrailingSlash: boolean,
  ): void;
  /** Builds the router if any recorded route has its own policy; call once, when ready. */
  build(fastify: FastifyInstance): void;
  /**
   * The entry of the route that `method url` selects: its policy, `null` for `cors: false`, or
   * `undefined` when no route of this scope matches or no route has its own policy.
   */
  find(
    method: string,
    url: string,
    host: string | undefined,
    version: string | undefined,
  ): RouteEntry;
}

export function createRouteTable(): RouteTable {
  let recorded: RecordedRoute[] | null = [];
  let hasOwnPolicies = false;
  let router: Router | null = null;
  let usesHost = false;
  let usesVersion = false;

  function insert(target: Router, route: RecordedRoute): void {
    try {
      // Boxed: find-my-way stores a missing store as null, which would read as `cors: false`.
      target.on(route.method, route.url, { constraints: route.constraints }, noop, {
        entry: route.entry,
      });
    } catch {
      // Fastify has accepted this route, so the only way to get here is a pattern that differs
      // by a custom constraint this router does not know: the first route wins.
    }
  }

  return {
    add(method, url, constraints, entry, alsoWithTrailingSlash) {
      if (recorded === null) return;
      let known: Record<string, unknown> | undefined;
      if (constraints !== undefined) {
        for (const name of KNOWN_CONSTRAINTS) {
          if (constraints[name] === undefined) continue;
          known ??= {};
          known[name] = constraints[name];
          if (name === 'host') usesHost = true;
          else usesVersion = true;
        }
      }
      if (entry !== undefined) hasOwnPolicies = true;
      recorded.push({ method, url, constraints: known, entry });
      // Fastify registers `prefix + '/'` for a `'/'` route without running onRoute for it.
      if (alsoWithTrailingSlash)
        recorded.push({ method, url: `${url}/`, constraints: known, entry });
    },

    build(fastify) {
      const routes = recorded;
      recorded = null;
      if (routes === null || !hasOwnPolicies) return;
      const config = fastify.initialConfig as Record<string, unknown> & {
        routerOptions?: Record<string, unknown>;
      };
      const options: Record<string, unknown> = {};
      for (const name of ROUTER_OPTIONS) {
        const value = config.routerOptions?.[name] ?? config[name];
        if (value !== undefined) options[name] = value;
      }
      const built = loadRouterFactory()(options);
      for (const route of routes) insert(built, route);
      router = built;
    },

    find(method, url, host, version) {
      if (router === null) return undefined;
      let constraints: Record<string, unknown> | undefined;
      if (usesHost && host !== undefined) constraints = { host };
      if (usesVersion && version !== undefined) (constraints ??= {}).version = version;
      try {
        return router.find(method, url, constraints)?.store.entry;
      } catch {
        // A path the router cannot decode selects no route; the scope's policy decides.
        return undefined;
      }
    },
  };
}
