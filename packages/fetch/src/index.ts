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
  checkDecisionListener,
  corsRequestFromHeaders,
  corsRequestKind,
  isCorsPolicy,
  isThenable,
  policyForRequest,
  readAdapterOptions,
  preflightFraming,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
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

/** Options of this package, on top of the core's. */
export interface FetchCorsAdapterOptions {
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener;
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
  const { select, onDecision } = configure(options, adapterOptions);

  function respond(decision: CorsDecision, request: Request, rest: Rest) {
    if (onDecision !== undefined) onDecision(decision, request);
    if (decision.end) return preflightResponse(decision);
    // Most platforms pass the request alone: no spread for them.
    const response =
      rest.length === 0 ? (handler as unknown as FetchHandler)(request) : handler(request, ...rest);
    if (isThenable(response))
      return Promise.resolve(response).then((r) => responseWithDecision(r, decision));
    return responseWithDecision(response, decision);
  }

  return function corsHandler(request: Request, ...rest: Rest): Response | Promise<Response> {
    const decision = select(request).decide(
      corsRequestFromHeaders(request.method, request.headers),
    );
    // Async only when the user gave a function that returns a promise (the core's rule).
    if (isThenable(decision))
      return Promise.resolve(decision).then((d) => respond(d, request, rest));
    return respond(decision, request, rest);
  };
}

/**
 * The first half, for frameworks with their own chain (SvelteKit's `handle`, Next.js middleware,
 * h3, Elysia): answers a preflight that the policy ends, or returns `undefined` and lets the request
 * go on; then give the framework's response to {@link applyCors}. Only a real preflight (`OPTIONS`
 * with `Origin` and `Access-Control-Request-Method`) is decided here.
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
  const onDecision = listener(adapterOptions?.onDecision);
  const corsRequest = corsRequestFromHeaders(request.method, request.headers);
  // Anything but a preflight is decided by applyCors, once, with the response at hand.
  if (corsRequestKind(corsRequest) !== 'preflight') return undefined;
  const decision = policy.decide(corsRequest);
  const answer = (d: CorsDecision): Response | undefined => {
    if (!d.end) return undefined;
    if (onDecision !== undefined) onDecision(d, request);
    return preflightResponse(d);
  };
  return isThenable(decision) ? Promise.resolve(decision).then(answer) : answer(decision);
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
  const onDecision = listener(adapterOptions?.onDecision);
  const decision = policy.decide(corsRequestFromHeaders(request.method, request.headers));
  const apply = (d: CorsDecision): Response => {
    if (onDecision !== undefined) onDecision(d, request);
    return responseWithDecision(response, d);
  };
  return isThenable(decision) ? Promise.resolve(decision).then(apply) : apply(decision);
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

function configure(
  options: FetchCorsOptions | CorsPolicy | CorsPolicySelector<Request>,
  adapterOptions: FetchCorsAdapterOptions | undefined,
): { select: (request: Request) => CorsPolicy; onDecision: CorsDecisionListener | undefined } {
  const { source, own } = readAdapterOptions<Request>('@cors/fetch', options);
  const onDecision = listener(own.onDecision ?? adapterOptions?.onDecision);
  return { select: (request) => policyForRequest(source, request), onDecision };
}

function listener(onDecision: unknown): CorsDecisionListener | undefined {
  checkDecisionListener(onDecision, '@cors/fetch');
  return onDecision as CorsDecisionListener | undefined;
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
