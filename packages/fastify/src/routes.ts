/**
 * Which route a preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`,
 * so Fastify routes it to an OPTIONS route (ours or the app's), not to the `PUT /items/:id` route
 * whose `config.cors` must decide it.
 *
 * Fastify has no public way to get there: `fastify.findRoute({ method, url })` finds the route but
 * returns only `{ handler, params, searchParams }` (Fastify 5 reduces the surface on purpose; its
 * `handler` is Fastify's shared `routeHandler`, the same function for every route), so neither the
 * route's config nor its pattern can be read back. test/route-policies.test.ts pins that, so the
 * day Fastify exposes the config this table can go. Until then this module keeps a second router
 * of the same implementation, find-my-way (a dependency of this package, in the range Fastify 5
 * uses, so that a bundled app has it too), with the same router options, holding every route the
 * plugin saw with its own policy. It is built once, when the app is ready; per preflight it costs
 * one lookup.
 */
import FindMyWay from 'find-my-way';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CorsPolicySource } from '@cors/core';

/** A route's own policy: a policy or selector, `false` for `cors: false`, `undefined` for the scope's. */
export type RouteEntry = CorsPolicySource<FastifyRequest> | false | undefined;

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

interface RecordedRoute {
  readonly method: string | string[];
  readonly url: string;
  readonly constraints: Record<string, unknown> | undefined;
  readonly entry: RouteEntry;
}

type Router = ReturnType<typeof FindMyWay>;

function noop(): void {}

/** The routes of one plugin scope, and the lookup of a preflight's target route. */
export interface RouteTable {
  /** Records a route; call from `onRoute`. */
  add(route: RecordedRoute, alsoWithTrailingSlash: boolean): void;
  /** Builds the router; call once, when ready. */
  build(fastify: FastifyInstance): void;
  /**
   * The route that `method url` selects among the routes the plugin saw, as `{ entry }`; `null`
   * when none of them matches.
   */
  find(
    method: string,
    url: string,
    constraints: Record<string, string>,
  ): { entry: RouteEntry } | null;
}

export function createRouteTable(): RouteTable {
  let recorded: RecordedRoute[] | null = [];
  let router: Router | null = null;

  return {
    add(route, alsoWithTrailingSlash) {
      if (recorded === null) return;
      let known: Record<string, unknown> | undefined;
      for (const name of KNOWN_CONSTRAINTS) {
        if (route.constraints?.[name] === undefined) continue;
        (known ??= {})[name] = route.constraints[name];
      }
      recorded.push({ ...route, constraints: known });
      // Fastify registers `prefix + '/'` for a `'/'` route without running onRoute for it.
      if (alsoWithTrailingSlash)
        recorded.push({ ...route, url: `${route.url}/`, constraints: known });
    },

    build(fastify) {
      const routes = recorded ?? [];
      recorded = null;
      const config = fastify.initialConfig as Record<string, unknown> & {
        routerOptions?: Record<string, unknown>;
      };
      const options: Record<string, unknown> = {};
      for (const name of ROUTER_OPTIONS) {
        const value = config.routerOptions?.[name] ?? config[name];
        if (value !== undefined) options[name] = value;
      }
      const built = FindMyWay(options);
      for (const route of routes) {
        try {
          // Boxed: find-my-way stores a missing store as null.
          built.on(route.method as never, route.url, { constraints: route.constraints }, noop, {
            entry: route.entry,
          });
        } catch {
          // Fastify accepted this route, so it differs from an earlier one only by a custom
          // constraint this router does not know: the first route wins.
        }
      }
      router = built;
    },

    find(method, url, constraints) {
      if (router === null) return null;
      try {
        const found = router.find(method as never, url, constraints);
        return found === null ? null : (found.store as { entry: RouteEntry });
      } catch {
        // A path the router cannot decode selects no route.
        return null;
      }
    },
  };
}
