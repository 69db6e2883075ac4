/**
 * @cors/hono — CORS middleware for Hono 4, on every runtime Hono runs on, built on `@cors/core`.
 *
 * The middleware translates and nothing else: it reads four request headers, asks the policy for a
 * decision, and either answers a preflight or sets the decision's headers (merging `Vary`) on the
 * response the app made, error and not-found responses included. Every CORS rule lives in the core;
 * the Fetch framing (the preflight answer, responses whose headers cannot change) in `@cors/fetch`.
 *
 * @packageDocumentation
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import {
  ERR_CORS_ADAPTER_OPTIONS,
  checkCrossOriginFromRequest,
  corsRequestFromHeaders,
  corsRequestKind,
  readProtectionOptions,
  isThenable,
  policyForRequest,
  readAdapterOptions,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
  type CrossOriginDecision,
  type CrossOriginProtectionOptions,
} from '@cors/core';
import { applyCors, crossOriginRefusal, preflightResponse } from '@cors/fetch';

/** The code of the error thrown for an invalid option of this package (`onDecision`). */
export { ERR_CORS_ADAPTER_OPTIONS };

/**
 * Called once per decided request, after the decision and before its headers are applied: for
 * logging and metrics. The decision is frozen and shared between requests; read it, never change
 * it. An error thrown here goes to Hono's error handling (`app.onError`).
 *
 * @example
 * onDecision: (decision, c) => {
 *   if (!decision.allowed) console.warn(`CORS ${decision.reason} for ${c.req.method} ${c.req.path}`);
 * }
 */
export type CorsDecisionListener<E extends Env = Env> = (
  decision: CorsDecision,
  c: Context<E>,
) => void;

/**
 * Called once per request that cross-origin protection checked (the policy's
 * `crossOriginProtection`, or {@link crossOriginProtection}), passes and refusals alike, before a
 * refusal is sent: for logging. `decision.message` is the log line; the decision is frozen and
 * shared. An error thrown here goes to Hono's error handling (`app.onError`).
 *
 * @example
 * onCrossOriginDecision: (decision) => {
 *   if (!decision.allowed) console.warn(`CSRF ${decision.reason}: ${decision.message}`);
 * }
 */
export type CrossOriginDecisionListener<E extends Env = Env> = (
  decision: CrossOriginDecision,
  c: Context<E>,
) => void;

/** Options of this package, on top of the core's. */
export interface HonoCorsAdapterOptions<E extends Env = Env> {
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener<E>;
  /**
   * See {@link CrossOriginDecisionListener}. Called only when the policy has
   * `crossOriginProtection`, for every request that is not an answered preflight.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener<E>;
}

/**
 * The options of {@link cors}: the core's {@link @cors/core!CorsOptions | CorsOptions} plus {@link HonoCorsAdapterOptions}.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, onDecision: (d) => metrics.count(d.reason) }
 */
export type HonoCorsOptions<E extends Env = Env> = CorsOptions & HonoCorsAdapterOptions<E>;

/** Marks this package's middleware, so that a later one matched for the same request is found. */
const CORS_MIDDLEWARE = Symbol.for('@cors/hono middleware');
/** On a context whose response a middleware of this package already decided. */
const DECIDED = Symbol.for('@cors/hono decided');

/**
 * Creates the CORS middleware. The options are validated once, here: a mistake (such as
 * `origin: '*'` with `credentials: true`) throws a `CorsConfigError` listing every problem, at
 * start-up rather than on the first request.
 *
 * Per request: a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) that the
 * decision ends is answered at once with the decision's status, no body and `Content-Length: 0`
 * (none on a `204`); later middleware and routes do not run, and no `OPTIONS` route is needed. Any
 * other `OPTIONS` request goes to your routes. Every other request runs the app first; then the
 * response it ended with gets the decision's headers and a merged `Vary`: a response the handler
 * returned or put in `c.res`, an `HTTPException`'s, `app.onError`'s and `app.notFound`'s alike. A
 * response whose headers cannot change (returned from `fetch()`) is copied.
 *
 * Per path, with Hono's routing: `app.use('/admin/*', cors(adminPolicy))`. When several of these
 * middlewares match one request (say `app.use(cors(site))` and `app.use('/admin/*', cors(admin))`),
 * the one registered last decides it, preflights included; the others step aside.
 *
 * @param options - The core's options plus `onDecision`, a policy made by `createCorsPolicy`, or a
 * function of the context returning one of the policies made at start-up (by `c.env`, the host…).
 * @param adapterOptions - With a policy or a selector: this package's options (`onDecision`).
 * @throws {CorsConfigError} when the options are invalid.
 * @example
 * import { Hono } from 'hono';
 * import { cors } from '@cors/hono';
 *
 * const app = new Hono();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
 */
export function cors<E extends Env = Env>(
  options: HonoCorsOptions<E> | CorsPolicy | CorsPolicySelector<Context<E>>,
  adapterOptions?: HonoCorsAdapterOptions<E>,
): MiddlewareHandler<E> {
  const { source, own } = readAdapterOptions<Context<E>>('@cors/hono', options, {}, adapterOptions);
  const { onDecision, onCrossOriginDecision } = own as HonoCorsAdapterOptions<E>;

  const middleware: MiddlewareHandler<E> = async function corsMiddleware(c, next) {
    const request = c.req.raw;
    const corsRequest = corsRequestFromHeaders(request.method, request.headers);
    const policy = policyForRequest(source, c);
    if (corsRequestKind(corsRequest) === 'preflight') {
      // A preflight is answered before any route runs, so the last middleware of ours that
      // matched it must decide here, and the ones before it stand aside.
      if (laterMiddlewareMatched(c)) return next();
      let decision = policy.decide(corsRequest);
      // Awaited only when it is a promise (an async origin or credentials function): an await
      // costs a turn of the microtask queue.
      if (isThenable(decision)) decision = await decision;
      if (onDecision !== undefined) onDecision(decision, c);
      if (decision.end) return preflightResponse(decision);
      await next();
      finish(c, decision);
      return;
    }
    let checked = checkCrossOriginFromRequest(policy.crossOriginProtection, request);
    // Before the route, and, like a preflight, by the last of ours that matched: its policy says.
    if (checked !== null && !laterMiddlewareMatched(c)) {
      if (isThenable(checked)) checked = await checked;
      if (onCrossOriginDecision !== undefined) onCrossOriginDecision(checked, c);
      if (!checked.allowed) {
        let decision = policy.decide(corsRequest);
        if (isThenable(decision)) decision = await decision;
        if (onDecision !== undefined) onDecision(decision, c);
        (c as unknown as Record<symbol, unknown>)[DECIDED] = true;
        return crossOriginRefusal(checked, decision);
      }
    }
    await next();
    // A later middleware of ours (more specific, registered after this one) already decided.
    if ((c as unknown as Record<symbol, unknown>)[DECIDED] === true) return;
    let decision = policy.decide(corsRequest);
    if (isThenable(decision)) decision = await decision;
    if (onDecision !== undefined) onDecision(decision, c);
    finish(c, decision);
  };
  (middleware as unknown as Record<symbol, unknown>)[CORS_MIDDLEWARE] = true;
  return middleware;
}

/** Sets the decision's headers on the response the app ended with (a copy if they cannot change). */
function finish(c: Context, decision: CorsDecision): void {
  (c as unknown as Record<symbol, unknown>)[DECIDED] = true;
  const response = c.res;
  const applied = applyCors(c.req.raw, response, decision);
  if (applied !== response) {
    // Hono's `c.res` setter copies the old response's headers onto the new one, which would put
    // the old `Vary` back over the merged one: clear it first.
    c.res = undefined;
    c.res = applied;
  }
}

/** Whether a middleware of this package comes after the running one among the matched handlers. */
function laterMiddlewareMatched(c: Context): boolean {
  const routes = c.req.matchedRoutes;
  for (let i = c.req.routeIndex + 1; i < routes.length; i++) {
    if ((routes[i]!.handler as unknown as Record<symbol, unknown>)[CORS_MIDDLEWARE] === true)
      return true;
  }
  return false;
}

/** Options of {@link crossOriginProtection}: the core's protection options and the listener. */
export interface HonoCrossOriginProtectionOptions<
  E extends Env = Env,
> extends CrossOriginProtectionOptions {
  /**
   * See {@link CrossOriginDecisionListener}.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener<E>;
}

/**
 * Cross-site request forgery protection on its own, for apps with no CORS, in place of
 * `hono/csrf` (with CORS, give {@link cors} `crossOriginProtection` instead, which also trusts
 * what the policy allows with credentials). An unsafe request that a page of another origin sent
 * gets `403` and later handlers do not run. The options are the core's
 * `createCrossOriginProtection` options, validated here (a `CorsConfigError` at start-up). See
 * docs/csrf.md, "Moving from hono/csrf".
 *
 * @example
 * app.use(crossOriginProtection({ bypass: ['POST /oauth/callback'] }));
 */
export function crossOriginProtection<E extends Env = Env>(
  options: HonoCrossOriginProtectionOptions<E> = {},
): MiddlewareHandler<E> {
  const { protection, onCrossOriginDecision } = readProtectionOptions('@cors/hono', options);
  return async function crossOriginProtectionMiddleware(c, next) {
    let checked = checkCrossOriginFromRequest(protection, c.req.raw)!;
    if (isThenable(checked)) checked = await checked;
    if (onCrossOriginDecision !== undefined) onCrossOriginDecision(checked, c);
    if (!checked.allowed) return crossOriginRefusal(checked);
    await next();
  };
}
