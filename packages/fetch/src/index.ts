/**
 * @cors/fetch — CORS for Fetch-style handlers (a `Request` in, a `Response` out), built on
 * `@cors/core`: Bun, Deno, Cloudflare Workers, Next.js route handlers and middleware, SvelteKit,
 * h3/Nitro, Elysia, Remix and React Router, and Node through any Fetch bridge.
 *
 * The package translates and nothing else: it reads four request headers, asks the policy for a
 * decision, and either answers a preflight or sets the decision's headers (merging `Vary`) on the
 * handler's response. Every CORS rule lives in the core. No Node built-ins: the types are the Fetch
 * Standard's `Request`, `Response` and `Headers`, which every one of these runtimes declares.
 *
 * @packageDocumentation
 */
import {
  CorsAdapterError,
  ERR_CORS_ADAPTER_OPTIONS,
  applyCorsHeaders,
  checkCrossOriginFromRequest,
  corsRequestFromHeaders,
  corsRequestKind,
  readProtectionOptions,
  crossOriginRefusalResponse,
  isCorsPolicy,
  policyForRequest,
  preflightFraming,
  readAdapterOptions,
  thenOrNow,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
  type CorsRequest,
  type CrossOriginDecision,
  type CrossOriginProtectionOptions,
} from '@cors/core';

/** The code of the error thrown for an invalid option of this package (`onDecision`). */
export { ERR_CORS_ADAPTER_OPTIONS };

/**
 * Called once per decided request, after the decision and before its headers are applied: for
 * logging and metrics. The decision is frozen and shared between requests; read it, never change
 * it. An error thrown here propagates like an error of the handler.
 *
 * @example
 * onDecision: (decision, request) => {
 *   if (!decision.allowed) console.warn(`CORS ${decision.reason} for ${request.method} ${request.url}`);
 * }
 */
export type CorsDecisionListener = (decision: CorsDecision, request: Request) => void;

/**
 * Called once per request that cross-origin protection checked (the policy's
 * `crossOriginProtection`, or {@link withCrossOriginProtection}), passes and refusals alike, before
 * a refusal is sent: for logging. `decision.message` is the log line; the decision is frozen and
 * shared. An error thrown here propagates like an error of the handler.
 *
 * @example
 * onCrossOriginDecision: (decision) => {
 *   if (!decision.allowed) console.warn(`CSRF ${decision.reason}: ${decision.message}`);
 * }
 */
export type CrossOriginDecisionListener = (decision: CrossOriginDecision, request: Request) => void;

/** Options of this package, on top of the core's. */
export interface FetchCorsAdapterOptions {
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener;
  /**
   * See {@link CrossOriginDecisionListener}. Called only when the policy has
   * `crossOriginProtection`, for every request that is not an answered preflight.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener;
}

/**
 * The options of {@link withCors}: the core's {@link @cors/core!CorsOptions | CorsOptions} plus {@link FetchCorsAdapterOptions}.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, onDecision: (d) => metrics.count(d.reason) }
 */
export type FetchCorsOptions = CorsOptions & FetchCorsAdapterOptions;

/**
 * A Fetch-style handler: a `Request` and whatever else the platform passes (Workers' `env` and
 * `ctx`, Next.js' route context, Bun's server), a `Response` or a promise of one.
 */
export type FetchHandler<Rest extends unknown[] = []> = (
  request: Request,
  ...rest: Rest
) => Response | Promise<Response>;

/**
 * Wraps a Fetch-style handler with a CORS policy. The options are validated once, here: a mistake
 * throws a `CorsConfigError` listing every problem, at start-up rather than on the first request.
 *
 * Per request: a preflight that the decision ends is answered at once (the decision's status, no
 * body, `Content-Length: 0` except on a `204`), and the handler does not run. Any other request goes
 * to the handler with every extra argument, and the response it returns gets the decision's headers
 * and a merged `Vary`. A response whose headers cannot change (from `fetch()` or
 * `Response.redirect()`) is copied, its body streamed through untouched; `Response.error()` (a
 * network error, which carries no headers) is returned as it is. An error thrown by the handler,
 * by an `origin` or `credentials` function or by `onDecision` propagates unchanged, to the
 * runtime's own error handling.
 *
 * The wrapped handler returns a promise only when the handler or the policy does.
 *
 * @param handler - The handler to wrap.
 * @param options - The core's options plus `onDecision`, a policy made by `createCorsPolicy`, or a
 * function of the request returning one of the policies made at start-up (see
 * `CorsPolicySelector` in `@cors/core`).
 * @param adapterOptions - With a policy or a selector: this package's options (`onDecision`).
 * @throws {CorsConfigError} when the options are invalid.
 * @example
 * import { withCors } from '@cors/fetch';
 *
 * export default {
 *   fetch: withCors(() => Response.json({ user: 'ada' }), {
 *     origin: ['https://app.example.com'],
 *     credentials: true,
 *   }),
 * };
 */
export function withCors<Rest extends unknown[]>(
  handler: FetchHandler<Rest>,
  options: FetchCorsOptions | CorsPolicy | CorsPolicySelector<Request>,
  adapterOptions?: FetchCorsAdapterOptions,
): FetchHandler<Rest> {
  if (typeof handler !== 'function') {
    throw new CorsAdapterError(
      ERR_CORS_ADAPTER_OPTIONS,
      'handler',
      `withCors(handler, options): handler must be a function (request, ...rest) => Response; got ${typeof handler}. ` +
        'The handler comes first, the options second.',
    );
  }
  const { source, own } = readAdapterOptions<Request>('@cors/fetch', options, {}, adapterOptions);
  const { onDecision, onCrossOriginDecision } = own as FetchCorsAdapterOptions;

  function respond(decision: CorsDecision, request: Request, rest: Rest, policy: CorsPolicy) {
    if (onDecision !== undefined) onDecision(decision, request);
    if (decision.end) return preflightResponse(decision);
    const checked = checkCrossOriginFromRequest(policy.crossOriginProtection, request);
    if (checked === null) return run(decision, request, rest);
    return thenOrNow(checked, (d) => {
      if (onCrossOriginDecision !== undefined) onCrossOriginDecision(d, request);
      return d.allowed ? run(decision, request, rest) : crossOriginRefusal(d, decision);
    });
  }

  function run(decision: CorsDecision, request: Request, rest: Rest) {
    // Most platforms pass the request alone: no spread for them.
    const response =
      rest.length === 0 ? (handler as unknown as FetchHandler)(request) : handler(request, ...rest);
    return thenOrNow(response, (r) => responseWithDecision(r, decision));
  }

  return function corsHandler(request: Request, ...rest: Rest): Response | Promise<Response> {
    const policy = policyForRequest(source, request);
    // Async only when the user gave a function that returns a promise (the core's rule).
    const decision = policy.decide(corsRequestFromHeaders(request.method, request.headers));
    return thenOrNow(decision, (d) => respond(d, request, rest, policy));
  };
}

/**
 * The answer to a request that cross-origin protection refused: the core's `403` (plain text,
 * `nosniff`, a one-line body naming the reason), with the CORS headers of the request's CORS
 * decision when there is one, so that an allowed page can read why.
 *
 * @example
 * if (!decision.allowed) return crossOriginRefusal(decision, corsDecision);
 */
export function crossOriginRefusal(
  decision: CrossOriginDecision,
  corsDecision?: CorsDecision,
): Response {
  const { status, headers, body } = crossOriginRefusalResponse(decision);
  const response = new Response(body, { status, headers });
  if (corsDecision !== undefined) applyCorsHeaders(response.headers, corsDecision);
  return response;
}

/** Options of {@link withCrossOriginProtection}: the core's protection options and the listener. */
export interface FetchCrossOriginProtectionOptions extends CrossOriginProtectionOptions {
  /**
   * See {@link CrossOriginDecisionListener}.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener;
}

/**
 * Cross-site request forgery protection on its own, for apps with no CORS (with CORS, give
 * {@link withCors} `crossOriginProtection` instead, which also trusts what the policy allows with
 * credentials). An unsafe request that a page of another origin sent gets `403` and the handler
 * does not run; every other request goes to the handler. The options are the core's
 * `createCrossOriginProtection` options, validated here (a `CorsConfigError` at start-up).
 *
 * @example
 * export default { fetch: withCrossOriginProtection(app.fetch, { bypass: ['POST /oauth/callback'] }) };
 */
export function withCrossOriginProtection<Rest extends unknown[]>(
  handler: FetchHandler<Rest>,
  options: FetchCrossOriginProtectionOptions = {},
): FetchHandler<Rest> {
  const { protection, onCrossOriginDecision } = readProtectionOptions('@cors/fetch', options);
  return function protectedHandler(request: Request, ...rest: Rest) {
    // Never null: there is a protection.
    const checked = checkCrossOriginFromRequest(protection, request)!;
    return thenOrNow(checked, (d) => {
      if (onCrossOriginDecision !== undefined) onCrossOriginDecision(d, request);
      return d.allowed ? handler(request, ...rest) : crossOriginRefusal(d);
    });
  };
}

/**
 * The first half, for frameworks with their own chain (SvelteKit's `handle`, Next.js middleware,
 * h3, Elysia): answers what must not reach the route, or returns `undefined` and lets the request
 * go on; then give the framework's response to {@link applyCors}. It answers a real preflight
 * (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) that the policy ends, and, when the
 * policy has `crossOriginProtection`, a request the protection refuses (see
 * {@link crossOriginRefusal}).
 *
 * With a policy that has an async `origin` or `credentials` function, it returns a promise.
 *
 * @param policy - A policy made once by `createCorsPolicy`, not options.
 * @example
 * const preflight = corsPreflight(request, policy);
 * if (preflight !== undefined) return preflight;
 * return applyCors(request, await next(), policy);
 */
export function corsPreflight(
  request: Request,
  policy: CorsPolicy<CorsDecision>,
  adapterOptions?: FetchCorsAdapterOptions,
): Response | undefined;
export function corsPreflight(
  request: Request,
  policy: CorsPolicy<Promise<CorsDecision>>,
  adapterOptions?: FetchCorsAdapterOptions,
): Promise<Response | undefined>;
export function corsPreflight(
  request: Request,
  policy: CorsPolicy,
  adapterOptions?: FetchCorsAdapterOptions,
): Response | undefined | Promise<Response | undefined>;
export function corsPreflight(
  request: Request,
  policy: CorsPolicy,
  adapterOptions?: FetchCorsAdapterOptions,
): Response | undefined | Promise<Response | undefined> {
  checkPolicy(policy, 'corsPreflight(request, policy)');
  const listeners = readListeners(policy, adapterOptions);
  const corsRequest = corsRequestFromHeaders(request.method, request.headers);
  // Anything but a preflight is decided by applyCors, once, with the response at hand.
  if (corsRequestKind(corsRequest) !== 'preflight')
    return crossOriginGuard(request, policy, corsRequest, listeners);
  return thenOrNow(policy.decide(corsRequest), (d) => {
    if (!d.end) return undefined;
    if (listeners.onDecision !== undefined) listeners.onDecision(d, request);
    return preflightResponse(d);
  });
}

/** corsPreflight's refusal of a request that cross-origin protection refuses, else `undefined`. */
function crossOriginGuard(
  request: Request,
  policy: CorsPolicy,
  corsRequest: CorsRequest,
  { onDecision, onCrossOriginDecision }: FetchCorsAdapterOptions,
): Response | undefined | Promise<Response | undefined> {
  const checked = checkCrossOriginFromRequest(policy.crossOriginProtection, request);
  if (checked === null) return undefined;
  return thenOrNow(checked, (d) => {
    if (onCrossOriginDecision !== undefined) onCrossOriginDecision(d, request);
    if (d.allowed) return undefined;
    // No applyCors follows for this request: its CORS decision is reported and applied here.
    return thenOrNow(policy.decide(corsRequest), (corsDecision) => {
      if (onDecision !== undefined) onDecision(corsDecision, request);
      return crossOriginRefusal(d, corsDecision);
    });
  });
}

/**
 * The second half: the response with the CORS headers of `request`'s decision and a merged `Vary`.
 * Give it a policy (it decides) or a decision you already have. The response itself is changed and
 * returned when its headers can change; otherwise (from `fetch()`, `Response.redirect()`) a copy
 * is, with the body streamed through untouched. `Response.error()` is returned as it is.
 *
 * With a policy that has an async `origin` or `credentials` function, it returns a promise.
 *
 * @param request - The request the response answers.
 * @param response - The framework's response.
 * @param policy - A policy made once by `createCorsPolicy`, or a decision for this request.
 * @example
 * return applyCors(request, await resolve(event), policy);
 */
export function applyCors(
  request: Request,
  response: Response,
  policy: CorsPolicy<CorsDecision> | CorsDecision,
  adapterOptions?: FetchCorsAdapterOptions,
): Response;
export function applyCors(
  request: Request,
  response: Response,
  policy: CorsPolicy<Promise<CorsDecision>>,
  adapterOptions?: FetchCorsAdapterOptions,
): Promise<Response>;
export function applyCors(
  request: Request,
  response: Response,
  policy: CorsPolicy | CorsDecision,
  adapterOptions?: FetchCorsAdapterOptions,
): Response | Promise<Response>;
export function applyCors(
  request: Request,
  response: Response,
  policy: CorsPolicy | CorsDecision,
  adapterOptions?: FetchCorsAdapterOptions,
): Response | Promise<Response> {
  if (!isCorsPolicy(policy)) {
    checkDecision(policy);
    return responseWithDecision(response, policy);
  }
  const { onDecision } = readListeners(policy, adapterOptions);
  const decision = policy.decide(corsRequestFromHeaders(request.method, request.headers));
  return thenOrNow(decision, (d) => {
    if (onDecision !== undefined) onDecision(d, request);
    return responseWithDecision(response, d);
  });
}

/**
 * The answer to a preflight that a decision ends (`decision.end`): the decision's status and CORS
 * headers, `Vary`, and an empty body, said with `Content-Length: 0` except on a `204`, where RFC
 * 9110 §8.6 forbids `Content-Length`.
 *
 * @example
 * if (decision.end) return preflightResponse(decision);
 */
export function preflightResponse(decision: CorsDecision): Response {
  const { status, headers } = preflightFraming(decision);
  return new Response(null, { status, headers: applyCorsHeaders(new Headers(headers), decision) });
}

/**
 * `response` with the decision's headers: itself when its headers can change, else a copy. The
 * Fetch Standard gives a response from `fetch()` or `Response.redirect()` an "immutable" headers
 * guard, and no way to ask for it: setting a header throws a `TypeError`, before anything is set.
 */
function responseWithDecision(response: Response, decision: CorsDecision): Response {
  if (typeof response !== 'object' || response === null) {
    throw new TypeError(`The handler returned ${String(response)} where a Response was expected.`);
  }
  try {
    applyCorsHeaders(response.headers, decision);
    return response;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  // A network error (`Response.error()`): nothing of it reaches the page, and it cannot be copied
  // (its status is 0). Asked only here, off the common path: the getter is not free everywhere.
  if (response.type === 'error') return response;
  // The body is a stream: handed over, not read.
  const copy = new Response(response.body, response);
  applyCorsHeaders(copy.headers, decision);
  return copy;
}

/** The listeners given beside a policy, checked by the core's one reader of adapter options. */
function readListeners(
  policy: CorsPolicy,
  adapterOptions: FetchCorsAdapterOptions | undefined,
): FetchCorsAdapterOptions {
  return readAdapterOptions('@cors/fetch', policy, {}, adapterOptions).own;
}

function checkPolicy(policy: unknown, call: string): void {
  if (isCorsPolicy(policy)) return;
  throw new CorsAdapterError(
    ERR_CORS_ADAPTER_OPTIONS,
    'policy',
    `${call} needs a policy made once with createCorsPolicy(options) from @cors/core; ` +
      'options would be validated again on every request.',
  );
}

function checkDecision(value: unknown): void {
  const decision = value as Partial<CorsDecision> | null;
  if (
    typeof decision === 'object' &&
    decision !== null &&
    typeof decision.headers === 'object' &&
    typeof decision.vary === 'string'
  )
    return;
  throw new CorsAdapterError(
    ERR_CORS_ADAPTER_OPTIONS,
    'policy',
    'applyCors(request, response, policy) needs a policy made once with createCorsPolicy(options) ' +
      'from @cors/core, or a decision returned by its decide(); options would be validated again on every request.',
  );
}
