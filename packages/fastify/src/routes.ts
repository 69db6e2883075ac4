/**
 * The routes of one plugin scope, each with its compiled `config.cors`, and which of them a
 * preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`, so Fastify
 * routes it to an OPTIONS route, not to the `PUT /items/:id` route whose `config.cors` must decide.
 *
 * Fastify's public `findRoute` cannot say which route matched (test/drift.test.ts pins that), so
 * Fastify routes preflights itself, as @cors/nestjs does on Fastify: the core's constraint strategy
 * (public `addConstraintStrategy`) derives from a preflight the method it asks about, and for each
 * route the plugin sees, an `OPTIONS` route at its URL is constrained to each of its methods and
 * carries its `config.cors`. Fastify's router then picks among them with its own ranking, params,
 * backtracking, prefixes and options, and `request.routeOptions.config` names the policy.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import {
  CorsError,
  corsPolicySource,
  corsPreflightMethod,
  corsRouteConstraint,
  createCorsPolicy,
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
export type OptionsRoute = Pick<RouteOptions, 'method' | 'schema' | 'logLevel' | 'handler'>;

export interface RouteTable {
  /** Compiles a route's `config.cors` and adds its preflight routes to `scope`, where it was declared. */
  add(route: DeclaredRoute, scope: FastifyInstance): void;
  /**
   * The policy of the route that decides a request: its own route, or for a preflight the route it
   * asks about (`Access-Control-Request-Method` at the preflight's URL).
   */
  entryFor(request: FastifyRequest, corsRequest: CorsRequest): RouteEntry;
  /**
   * `ERR_CORS_ROUTE_NOT_COMPILED` when routes under the plugin's prefix were declared where it
   * cannot see them (in a plugin that loaded before it): their preflights would reach its OPTIONS
   * routes and be granted by its policy, whatever their own `config.cors`, so start-up fails.
   */
  unseenRoutes(): CorsError | undefined;
}

/** Marks a scope that has the plugin; a symbol from the registry, so two copies see each other. */
export const kRegistered = Symbol.for('@cors/fastify.registered');
/** The constraint that routes a preflight as the request it asks about. */
const PREFLIGHT_CONSTRAINT = 'corsFastifyRouteMethod';

/**
 * Routes declared where no plugin sees them, by server, then by scope. With
 * `app.register(corsPlugin, opts)` not awaited, then `app.get(...)`, Fastify declares the route at
 * once and loads the plugin later, so its `onRoute` hook never sees it; the plugin takes them when
 * it loads in their scope. Fastify announces every new instance on the `fastify.initialization`
 * diagnostics channel (for tools that must see every route), so an `onRoute` hook added there sees
 * them all. A server is here from the moment it is announced.
 */
const unseen = new WeakMap<object, Map<FastifyInstance, DeclaredRoute[]>>();
subscribe('fastify.initialization', (message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  const byScope = new Map<FastifyInstance, DeclaredRoute[]>();
  unseen.set(fastify.server, byScope);
  fastify.addHook('onRoute', function keepUnseenRoute(route) {
    if (this.hasDecorator(kRegistered)) return;
    if (!byScope.has(this)) byScope.set(this, []);
    // A copy: Fastify goes on changing the URL of a prefix's `'/'` route after onRoute.
    byScope.get(this)?.push({ ...(route as DeclaredRoute) });
  });
});

/** Fastify's `printRoutes()` of a router without routes. */
const NO_ROUTES = '(empty tree)';

/**
 * Adds a route unless one with the same method, URL and constraints exists: the app's own OPTIONS
 * route for the same pattern wins (the hook still answers the preflights that reach it), as does
 * the first of an explicit `''` route and the slash twin of a `'/'` one.
 */
export function routeOnce(scope: FastifyInstance, options: RouteOptions): void {
  try {
    scope.route(options);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'FST_ERR_DUPLICATED_ROUTE') throw error;
  }
}

const methodsOf = (route: Pick<RouteOptions, 'method'>): string[] => [route.method].flat();

export function createRouteTable(fastify: FastifyInstance, optionsRoute: OptionsRoute): RouteTable {
  /** Each route's `config.cors` options, compiled once (one `config` may serve several routes). */
  const compiled = new WeakMap<object, CorsPolicy>();
  /**
   * Whether a route of the scope has a `config.cors`. Until one does, every request is the scope's,
   * and Fastify's `request.routeOptions` (an object built on each read) is not read at all.
   */
  let routesHavePolicies = false;

  /** Compiles options when a route is declared: a mistake fails start-up, naming the route. */
  function compile(cors: unknown, route: DeclaredRoute): void {
    if (cors === undefined || cors === false || corsPolicySource(cors) !== undefined) return;
    try {
      const policy = compiled.get(cors as object) ?? createCorsPolicy(cors as CorsOptions);
      compiled.set(cors as object, policy);
    } catch (error) {
      if (isCorsConfigError(error))
        error.message = `Route ${methodsOf(route).join(',')} ${route.url}: config.cors: ${error.message}`;
      throw error;
    }
  }

  function add(route: DeclaredRoute, scope: FastifyInstance): void {
    const cors = route.config?.cors;
    compile(cors, route);
    routesHavePolicies ||= cors !== undefined;
    // A route that serves OPTIONS (ours, the app's, `all`) is reached by its preflights itself.
    if (methodsOf(route).includes('OPTIONS')) return;
    // Where the route was declared, as it was declared: Fastify applies the prefix (and the slash
    // twin of a `'/'` route) and the route's constraints, with this one added.
    for (const method of methodsOf(route))
      routeOnce(scope, {
        ...optionsRoute,
        url: route.routePath || '/',
        prefixTrailingSlash: route.prefixTrailingSlash,
        constraints: { ...route.constraints, [PREFLIGHT_CONSTRAINT]: method },
        config: { cors },
      });
  }

  // One router for the whole app: a second plugin scope finds the strategy there.
  if (!fastify.hasConstraintStrategy(PREFLIGHT_CONSTRAINT))
    fastify.addConstraintStrategy(corsRouteConstraint(PREFLIGHT_CONSTRAINT) as never);
  // The routes declared in this scope before the plugin loaded here are the plugin's.
  // The routes declared in this scope before the plugin loaded here are the plugin's.
  const byScope = unseen.get(fastify.server);
  if (byScope === undefined && fastify.printRoutes() !== NO_ROUTES)
    throw new CorsError(
      'ERR_CORS_ROUTE_NOT_COMPILED',
      '@cors/fastify was loaded after this Fastify instance was created, and routes were declared before the plugin loaded: it cannot see them, so their preflights could be answered by the wrong policy. Import @cors/fastify before creating the instance (a top-level import or require).',
    );
  for (const route of byScope?.get(fastify) ?? []) add(route, fastify);
  byScope?.delete(fastify);

  return {
    add,

    entryFor(request, corsRequest) {
      if (!routesHavePolicies) return undefined;
      const { config, method } = request.routeOptions;
      const asked = corsPreflightMethod(corsRequest);
      // A request reaches its own route. A preflight reaches the route it asks about, or an
      // OPTIONS route with a `config.cors` (a preflight route, which stands for the route it was
      // made for, or the app's own): that policy decides. One that reaches the catch-all asks
      // about no route the plugin knows: the scope decides.
      const own = asked === undefined || 'cors' in config || [method].flat().includes(asked);
      return (own ? (compiled.get(config.cors as object) ?? config.cors) : undefined) as RouteEntry;
    },

    unseenRoutes() {
      const { prefix } = fastify;
      const names = [...(unseen.get(fastify.server)?.values() ?? [])]
        .flat()
        .filter(({ url }) => prefix === '' || url === prefix || url.startsWith(`${prefix}/`))
        .map((route) => `${methodsOf(route).join(',')} ${route.url}`);
      if (names.length === 0) return undefined;
      return new CorsError(
        'ERR_CORS_ROUTE_NOT_COMPILED',
        `@cors/fastify: ${names.join('; ')}: declared in a plugin loaded before corsPlugin, so they get none of its hooks and its policy would answer their preflights. Register corsPlugin before the plugins that declare routes.`,
      );
    },
  };
}
