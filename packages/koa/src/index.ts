/**
 * @cors/koa — CORS middleware for Koa 2.15+ and 3, built on `@cors/core`.
 *
 * The middleware translates and nothing else: it reads four request headers, asks the policy for a
 * decision, sets the decision's headers (merging `Vary`), and either answers a preflight or calls
 * `next()`. Every CORS rule lives in the core. What is Koa-specific is keeping the headers on error
 * responses: Koa's `ctx.onerror` removes every header already set and applies only `err.headers`.
 *
 * @packageDocumentation
 */
import {
  CORS_RESPONSE_HEADERS,
  appendVary,
  corsRequestFromHeaderRecord,
  createCorsPolicy,
  isCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';

/**
 * The part of a Koa context this middleware uses. Koa 2 and 3 contexts and `@koa/router` contexts
 * all fit it, so the package needs no Koa type package.
 */
export interface CorsContext {
  /** The request method, e.g. `OPTIONS`. */
  readonly method: string;
  /** The request URL (path and query), for `onDecision`. */
  readonly url: string;
  /** Node's request: its headers (Node joins a repeated `Origin` into one value). */
  readonly req: {
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  };
  /** Node's response, to read the `Vary` already set. */
  readonly res: { getHeader(name: string): number | string | readonly string[] | undefined };
  /** True once the response head was written. */
  readonly headerSent: boolean;
  /** The response status. */
  status: number;
  /** The response body. */
  body: unknown;
  /** Sets a response header. */
  set(field: string, value: string): void;
  /** Removes a response header. */
  remove(field: string): void;
}

/** What Koa passes as `next`. */
export type CorsNext = () => Promise<unknown>;

/**
 * Called once per decided request, before the decision's headers are set: for logging and metrics.
 * The decision is frozen and shared between requests; read it, never change it. An error thrown here
 * goes to Koa's error handling, like any error of the middleware.
 *
 * @example
 * onDecision: (decision, ctx) => {
 *   if (!decision.allowed) console.warn(`CORS ${decision.reason} for ${ctx.method} ${ctx.url}`);
 * }
 */
export type CorsDecisionListener<Ctx extends CorsContext = CorsContext> = (
  decision: CorsDecision,
  ctx: Ctx,
) => void;

/** Options of this adapter, on top of the core's. */
export interface KoaCorsAdapterOptions<Ctx extends CorsContext = CorsContext> {
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener<Ctx>;
}

/**
 * The options of {@link cors}: the core's {@link @cors/core!CorsOptions | CorsOptions} plus {@link KoaCorsAdapterOptions}.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, onDecision: (d) => metrics.count(d.reason) }
 */
export type KoaCorsOptions<Ctx extends CorsContext = CorsContext> = CorsOptions &
  KoaCorsAdapterOptions<Ctx>;

/** A Koa middleware, accepted by `app.use`, `router.use` and route definitions of `@koa/router`. */
export type CorsMiddleware<Ctx extends CorsContext = CorsContext> = (
  ctx: Ctx,
  next: CorsNext,
) => Promise<unknown>;

/**
 * Creates the CORS middleware. The options are validated once, here: a mistake (such as
 * `origin: '*'` with `credentials: true`) throws a `CorsConfigError` listing every problem, at
 * start-up rather than on the first request.
 *
 * Per request: a preflight that the decision ends is answered with the decision's status, an empty
 * body and `Content-Length: 0` (Koa drops that header on a `204`, which has no body by definition),
 * and `next()` is not called. Any other request gets the CORS headers and goes on to `next()`. If
 * `next()` throws, the CORS headers are merged into `err.headers` before the error is rethrown, so
 * that Koa's error response (which removes every header set before) still carries them.
 *
 * Mount it before the routes, once per request path: app-wide with `app.use`, or per router (see the
 * README for preflights with `@koa/router`). The same middleware running twice for one request (say
 * from `router.use` and from a route) decides once.
 *
 * @param options - The core's options plus `onDecision`, or a policy made by `createCorsPolicy`.
 * With a policy first, the second argument (`adapterOptions`) holds this adapter's `onDecision`.
 * @throws {CorsConfigError} when the options are invalid.
 * @example
 * import Koa from 'koa';
 * import { cors } from '@cors/koa';
 *
 * const app = new Koa();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
 */
export function cors<Ctx extends CorsContext = CorsContext>(
  options: KoaCorsOptions<Ctx>,
): CorsMiddleware<Ctx>;
export function cors<Ctx extends CorsContext = CorsContext>(
  policy: CorsPolicy,
  adapterOptions?: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx>;
export function cors<Ctx extends CorsContext = CorsContext>(
  options: KoaCorsOptions<Ctx> | CorsPolicy,
  adapterOptions?: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx> {
  let policy: CorsPolicy;
  let onDecision: CorsDecisionListener<Ctx> | undefined;
  if (isCorsPolicy(options)) {
    policy = options;
    onDecision = adapterOptions?.onDecision;
  } else {
    // The core refuses unknown options, so this adapter's own option is taken out first.
    const { onDecision: listener, ...coreOptions } = (options ?? {}) as KoaCorsOptions<Ctx>;
    policy = createCorsPolicy(coreOptions as CorsOptions);
    onDecision = listener ?? adapterOptions?.onDecision;
  }
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    throw new TypeError(
      `onDecision must be a function (decision, ctx) => void; got ${typeof onDecision}.`,
    );
  }

  // Marks a context this middleware already handled: with @koa/router the same middleware may be
  // reached twice for one request (router.use plus an OPTIONS route, see the README).
  const handled = Symbol('@cors/koa handled');

  // Not an async function: an await costs a turn of the microtask queue and a promise on every
  // request, and most requests need neither (a preflight is answered, a request without CORS
  // headers to merge back only waits for the route).
  return function cors(ctx, next) {
    const marks = ctx as unknown as Record<symbol, unknown>;
    if (marks[handled] === true) return next();
    marks[handled] = true;
    const second = marks[LAST_DECIDED] !== undefined;
    // This cors() now speaks for the request, even if deciding fails (see respond's catch).
    marks[LAST_DECIDED] = handled;

    const pending = policy.decide(corsRequestFromHeaderRecord(ctx.method, ctx.req.headers));
    // Async only when the user gave a function that returns a promise (the core's rule); a
    // rejection propagates to Koa's error handling like any middleware error.
    if (isThenable(pending)) {
      return Promise.resolve(pending).then((decision) => respond(ctx, next, decision, second));
    }
    return respond(ctx, next, pending, second);
  };

  /** `second`: another cors() decided this request before this one. */
  function respond(
    ctx: Ctx,
    next: CorsNext,
    decision: CorsDecision,
    second: boolean,
  ): Promise<unknown> {
    if (onDecision !== undefined) onDecision(decision, ctx);
    // Someone upstream already answered (say a timeout, while an async origin function ran).
    if (ctx.headerSent) return DONE;

    // A policy that ran earlier for this request (say app-wide, before a router's own) allowed it:
    // this later, more specific decision replaces its CORS headers, so that a refusal here is not
    // undone by headers left from there. Allowed decisions always set ACAO, so it is the marker.
    if (second && ctx.res.getHeader('access-control-allow-origin') !== undefined) {
      for (const name of CORS_RESPONSE_HEADERS) ctx.remove(name);
    }
    const headers = decision.headers;
    for (const name in headers) ctx.set(name, headers[name as keyof typeof headers] as string);
    const vary = decision.vary;
    if (vary !== '') mergeVary(ctx, vary);

    if (decision.end) {
      // An explicit null body, then the status: Koa then sends no status text as body. (A JSON type
      // set upstream would turn Koa 3's null body into `null`, so it goes first; and setting the
      // body after the status would turn a 403 into a 204.)
      ctx.remove('Content-Type');
      ctx.body = null;
      ctx.status = decision.status as number;
      ctx.set('Content-Length', '0');
      return DONE;
    }

    // Koa waits for next()'s own promise: this middleware only listens to it, so that its work
    // after the route adds no step to the chain. Listeners run in the order they were added, so
    // these run before Koa's error handling sees a failure.
    const marks = ctx as unknown as Record<symbol, unknown>;
    const routed = next();
    routed.then(
      // A route that set `Vary` itself (`ctx.set('Vary', 'Accept')`) replaced the CORS tokens; a
      // cache would then serve one origin's answer to another. Merging again is a no-op otherwise.
      // Only Vary comes back: it never grants anything, whereas putting back an Access-Control-*
      // header a later middleware removed could grant what that middleware meant to refuse.
      vary === ''
        ? NOTHING
        : () => {
            if (!ctx.headerSent) mergeVaryQuietly(ctx, vary);
          },
      (error: unknown) => {
        // Only the last cors() that took this request speaks for it: an outer one must not put
        // back what an inner, more specific policy refused (or failed to decide). The error itself
        // goes on through `routed`, which Koa awaits; nothing thrown here may escape, as the
        // promise this listener makes is nobody's to handle.
        if (marks[LAST_DECIDED] === handled) {
          try {
            addErrorHeaders(error, decision);
          } catch {
            // An error object whose headers cannot be read or written keeps its own.
          }
        }
      },
    );
    return routed;
  }
}

const DONE: Promise<void> = Promise.resolve();
const NOTHING = (): void => undefined;

const LAST_DECIDED = Symbol.for('@cors/koa last decided');

/**
 * Merges `tokens` into the response's `Vary` with the core's `appendVary` (case-insensitive, no
 * duplicates, `*` absorbs all), so the value is byte-identical to the other adapters'. `ctx.vary`
 * (the `vary` package) would merge too, but it keeps an existing value's odd spacing.
 */
function mergeVary(ctx: CorsContext, tokens: string): void {
  const existing = headerString(ctx.res.getHeader('vary'));
  // The decision's own tokens are already in canonical form: merge only with what is there.
  if (existing === undefined) {
    ctx.set('Vary', tokens);
    return;
  }
  const merged = appendVary(existing, tokens);
  if (merged !== existing) ctx.set('Vary', merged);
}

/** After the route, where a throw would be an unhandled rejection: a failure leaves Vary as it is. */
function mergeVaryQuietly(ctx: CorsContext, tokens: string): void {
  try {
    mergeVary(ctx, tokens);
  } catch {
    // Headers that can no longer be set (a custom response object): nothing better to do.
  }
}

/**
 * Koa's `ctx.onerror` removes every response header, then sets `err.headers`: the CORS headers reach
 * the error response only through there. The error's own headers stay (its `Vary` merged with ours);
 * for a name the decision sets, the decision's value wins. A thrown non-object cannot carry headers
 * (Koa replaces it with a new `Error`).
 */
function addErrorHeaders(error: unknown, decision: CorsDecision): void {
  if (typeof error !== 'object' || error === null) return;
  const cors = decision.headers;
  const target = error as { headers?: unknown };
  const existing = target.headers;
  const merged: Record<string, unknown> = {};
  let vary: string | undefined;
  if (typeof existing === 'object' && existing !== null) {
    for (const name of Object.keys(existing)) {
      const value = (existing as Record<string, unknown>)[name];
      const lower = name.toLowerCase();
      if (lower === 'vary')
        vary = vary === undefined ? headerString(value) : `${vary}, ${headerString(value)}`;
      else if (!Object.hasOwn(cors, lower)) merged[name] = value;
    }
  }
  for (const name in cors) merged[name] = cors[name as keyof typeof cors];
  const mergedVary = appendVary(vary, decision.vary);
  if (mergedVary !== '') merged.vary = mergedVary;
  try {
    target.headers = merged;
  } catch {
    // A frozen error keeps its own headers; there is nothing better to do with it.
  }
}

function headerString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function isThenable(value: unknown): value is PromiseLike<CorsDecision> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The default export, like `@koa/cors`: `import cors from '@cors/koa'`. */
export default cors;
