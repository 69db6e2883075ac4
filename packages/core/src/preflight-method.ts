/**
 * The route a preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`:
 * an adapter with per-route policies must decide it by the route that `PUT /items/42` reaches.
 */
import { corsRequestKind, normalizeMethod } from './classify.js';
import { corsRequestFromHeaderRecord, type HeaderRecord } from './request.js';
import type { CorsRequest } from './types.js';

/**
 * The method a preflight asks about, as the actual request will carry it (`normalizeMethod`);
 * `undefined` for a request that is not a preflight (`corsRequestKind`), whose own method and path
 * reach its route.
 *
 * @example corsPreflightMethod({ method: 'OPTIONS', origin: 'https://a.example', requestMethod: 'delete' }) // 'DELETE'
 * @example corsPreflightMethod({ method: 'GET', origin: 'https://a.example' }) // undefined
 */
export function corsPreflightMethod(
  request: Pick<CorsRequest, 'method' | 'origin' | 'requestMethod'>,
): string | undefined {
  if (corsRequestKind(request) !== 'preflight') return undefined;
  return normalizeMethod(request.requestMethod as string);
}

/** A request as a router sees it: Node's `IncomingMessage`, for one. */
export interface RoutedRequest {
  readonly method?: string | undefined;
  readonly headers: HeaderRecord;
}

/**
 * The method whose route decides a request: for a preflight, the one it asks about
 * ({@link corsPreflightMethod}); for any other request, its own.
 *
 * @example corsRouteMethod({ method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' } }) // 'PUT'
 */
export function corsRouteMethod(request: RoutedRequest): string {
  const corsRequest = corsRequestFromHeaderRecord(request.method ?? '', request.headers);
  return corsPreflightMethod(corsRequest) ?? corsRequest.method;
}

/**
 * The entry of `method` among the routes of one path, keyed by method, as routers serve them: its
 * own, else for `HEAD` the `GET` route's, else the `ALL` route's.
 *
 * @example routeOfMethod(new Map([['GET', getRoute]]), 'HEAD') // getRoute
 */
export function routeOfMethod<Route>(
  byMethod: ReadonlyMap<string, Route> | undefined,
  method: string,
): Route | undefined {
  return (
    byMethod?.get(method) ??
    (method === 'HEAD' ? byMethod?.get('GET') : undefined) ??
    byMethod?.get('ALL')
  );
}

/** A router's constraint strategy, in the shape of find-my-way's (Fastify's `addConstraintStrategy`). */
export interface CorsRouteConstraint {
  readonly name: string;
  storage(): {
    get(method: string): unknown;
    set(method: string, store: unknown): void;
  };
  deriveConstraint(request: RoutedRequest): string;
  readonly mustMatchWhenDerived: false;
}

/**
 * A constraint that routes a preflight as the request it asks about, so that a router finds a
 * preflight's route itself: an `OPTIONS` route constrained to `{ [name]: 'PUT' }` at a `PUT`
 * route's path is reached by the preflights asking for `PUT` there, with the router's own ranking,
 * parameters and prefixes. A route constrained to `GET` also stands for `HEAD`, and one
 * constrained to `ALL` for any method, as routers serve them. Requests that are not preflights
 * derive their own method, so they reach unconstrained routes as before (`mustMatchWhenDerived`
 * is `false`).
 *
 * @example fastify.addConstraintStrategy(corsRouteConstraint('corsRouteMethod'))
 */
export function corsRouteConstraint(name: string): CorsRouteConstraint {
  return {
    name,
    storage() {
      const byMethod = new Map<string, unknown>();
      return {
        get: (method) => routeOfMethod(byMethod, method) ?? null,
        set: (method, store) => void byMethod.set(method, store),
      };
    },
    deriveConstraint: corsRouteMethod,
    mustMatchWhenDerived: false,
  };
}
