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
  appendVary,
  checkCrossOriginFromHeaderRecord,
  checkDecisionListener,
  decideCors,
  readProtectionOptions,
  settleCrossOriginCheck,
  headerString,
  corsRequestFromHeaderRecord,
  readAdapterOptions,
  isThenable,
  policyForRequest,
  writeCorsDecision,
  type CorsDecision,
  type CorsHeaderTarget,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
  type CrossOriginDecision,
  type CrossOriginProtection,
  type CrossOriginProtectionOptions,
  type WriteHeadTarget,
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
  /**
   * The request-target as received, before a mount strips a prefix: what bypass patterns of
   * cross-origin protection match (`url` when absent).
   */
  readonly originalUrl?: string;
  /** Node's request: its headers (Node joins a repeated `Origin` into one value), and its peer. */
  readonly req: {
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly socket?: { readonly remoteAddress?: string | undefined };
  };
  /** Node's response: the headers are written there, and `Vary` kept when its head is written. */
  readonly res: CorsHeaderTarget & WriteHeadTarget;
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
  /**
   * The Koa application, whose `error` event (emitted by Koa's error handling) the middleware
   * listens to once, to keep the CORS headers on error responses.
   */
  readonly app?: { on(event: 'error', listener: (error: unknown, ctx?: unknown) => void): unknown };
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

/**
 * Called once per request that cross-origin protection checked (the policy's
 * `crossOriginProtection`, or {@link crossOriginProtection}), passes and refusals alike, before a
 * refusal is sent: for logging. `decision.message` is the log line; the decision is frozen and
 * shared. An error thrown here goes to Koa's error handling.
 *
 * @example
 * onCrossOriginDecision: (decision) => {
 *   if (!decision.allowed) console.warn(`CSRF ${decision.reason}: ${decision.message}`);
 * }
 */
export type CrossOriginDecisionListener<Ctx extends CorsContext = CorsContext> = (
  decision: CrossOriginDecision,
  ctx: Ctx,
) => void;

/** Options of this adapter, on top of the core's. */
export interface KoaCorsAdapterOptions<Ctx extends CorsContext = CorsContext> {
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener<Ctx>;
  /**
   * See {@link CrossOriginDecisionListener}. Called only when the policy has
   * `crossOriginProtection`, for every request that is not an answered preflight.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener<Ctx>;
}

/**
 * The options of {@link cors}: the core's {@link @cors/core!CorsOptions | CorsOptions} plus {@link KoaCorsAdapterOptions}.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, onDecision: (d) => metrics.count(d.reason) }
 */
export type KoaCorsOptions<Ctx extends CorsContext = CorsContext> = CorsOptions &
  KoaCorsAdapterOptions<Ctx>;

/**
 * Chooses the policy of one request (a tenant chosen by `ctx.host`, say): return one of the
 * policies compiled at start-up, never options. See docs/multi-tenant.md.
 *
 * @example
 * app.use(cors((ctx) => byHost.get(ctx.host) ?? fallback));
 */
export type KoaCorsPolicySelector<Ctx extends CorsContext = CorsContext> = CorsPolicySelector<Ctx>;

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
 * and `next()` is not called. Any other request gets the CORS headers and goes on to `next()`,
 * whose promise is returned as it is. When the request then fails, Koa's error handling emits the
 * app's `error` event before it removes every header set before and applies `err.headers`: a
 * listener that the middleware adds once per app (at its first request) merges the CORS headers
 * into `err.headers` there, so that the error response still carries them.
 *
 * Mount it before the routes, once per request path: app-wide with `app.use`, or per router (see the
 * README for preflights with `@koa/router`). The same middleware running twice for one request (say
 * from `router.use` and from a route) decides once.
 *
 * With `crossOriginProtection` in the policy, a request going on to `next()` is first checked for
 * cross-site request forgery: a refusal is the core's `403` over the CORS headers, and `next()` is
 * not called (see docs/csrf.md).
 *
 * @param options - The core's options plus the listeners (`onDecision`, `onCrossOriginDecision`),
 * or `{ policy, ...listeners }`.
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
/**
 * The same, with a policy made once by `createCorsPolicy` (or a selector returning one per
 * request) and this adapter's options beside it.
 *
 * @param policy - A policy from `createCorsPolicy`, or a selector returning one of the policies
 * compiled at start-up.
 * @param adapterOptions - This adapter's listeners (`onDecision`, `onCrossOriginDecision`).
 */
export function cors<Ctx extends CorsContext = CorsContext>(
  policy: CorsPolicy | KoaCorsPolicySelector<Ctx>,
  adapterOptions?: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx>;
export function cors<Ctx extends CorsContext = CorsContext>(
  options: KoaCorsOptions<Ctx> | CorsPolicy | KoaCorsPolicySelector<Ctx>,
  adapterOptions?: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx> {
  // The core refuses unknown options, so this adapter's own options are taken out first.
  const { source, own } = readAdapterOptions<Ctx>('@cors/koa', options, {}, adapterOptions);
  return decidingMiddleware<Ctx>(
    (ctx) => policyForRequest(source, ctx),
    own as KoaCorsAdapterOptions<Ctx>,
  );
}

/**
 * A middleware for paths with CORS off, the same answer as Fastify's `cors: false` and Nest's
 * `@Cors(false)` (the core's `cors-disabled` decision): preflights refused with `403`, other
 * requests on without CORS headers. Give it the paths a broader `cors()` must not take.
 *
 * @example
 * const off = corsOff();
 * const main = cors({ origin: ['https://app.example.com'] });
 * app.use((ctx, next) => (ctx.path.startsWith('/internal/') ? off(ctx, next) : main(ctx, next)));
 */
export function corsOff<Ctx extends CorsContext = CorsContext>(
  adapterOptions?: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx> {
  checkDecisionListener(adapterOptions?.onDecision, '@cors/koa');
  return decidingMiddleware<Ctx>(() => null, { onDecision: adapterOptions?.onDecision });
}

/**
 * Cross-site request forgery protection on its own, for apps with no CORS (with CORS, give the
 * policy `crossOriginProtection` instead, which also trusts what it allows with credentials). An
 * unsafe request that a page of another origin sent gets `403` and `next()` is not called; every
 * other request goes on. The options are the core's `createCrossOriginProtection` options,
 * validated here (a `CorsConfigError` at start-up). See docs/csrf.md.
 *
 * @example
 * app.use(crossOriginProtection({ bypass: ['POST /oauth/callback'] }));
 */
export function crossOriginProtection<Ctx extends CorsContext = CorsContext>(
  options: CrossOriginProtectionOptions & {
    onCrossOriginDecision?: CrossOriginDecisionListener<Ctx>;
  } = {},
): CorsMiddleware<Ctx> {
  const { protection, onCrossOriginDecision } = readProtectionOptions('@cors/koa', options);
  return function crossOriginProtectionMiddleware(ctx, next) {
    return afterCheck(crossOriginStep(ctx, protection, onCrossOriginDecision), () => next());
  };
}

/** `next()` unless the request was refused (`true`), at once or once the check settles. */
function afterCheck(refused: boolean | Promise<boolean>, next: CorsNext): Promise<unknown> {
  if (refused === false) return next();
  if (refused === true) return DONE;
  return refused.then((ended) => (ended ? undefined : next()));
}

/**
 * Checks the request (its target as received, `ctx.originalUrl`) and sends the refusal over the
 * CORS headers already set. `true`: refused, the route must not run.
 */
function crossOriginStep<Ctx extends CorsContext>(
  ctx: Ctx,
  protection: CrossOriginProtection | null,
  listener: CrossOriginDecisionListener<Ctx> | undefined,
): boolean | Promise<boolean> {
  const target = ctx.originalUrl ?? ctx.url;
  const peer = ctx.req.socket?.remoteAddress;
  const checked = checkCrossOriginFromHeaderRecord(
    protection,
    ctx.method,
    target,
    ctx.req.headers,
    peer,
  );
  return settleCrossOriginCheck(checked, ctx, listener, ({ status, headers, body }) => {
    // Someone upstream already answered (a timeout, while an async trusted-origin function ran).
    if (ctx.headerSent) return;
    // The status first: a body set without an explicit status would make it 200.
    ctx.status = status;
    ctx.body = body;
    for (const name in headers) ctx.set(name, headers[name as keyof typeof headers]);
  });
}

/** `select` gives the request's policy, or `null` for CORS off (the core's `cors-disabled`). */
function decidingMiddleware<Ctx extends CorsContext>(
  select: (ctx: Ctx) => CorsPolicy | null,
  { onDecision, onCrossOriginDecision }: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx> {
  // What marks a context this middleware took: with @koa/router the same middleware may be
  // reached twice for one request (router.use plus an OPTIONS route, see the README).
  const token = Symbol('@cors/koa');

  // Not an async function, and nothing attached to next()'s promise: an await or a `then` costs a
  // promise and a turn of the microtask queue on every request, and most requests need neither.
  return function cors(ctx, next) {
    const marks = ctx as unknown as Marks;
    const taken = marks[TAKEN];
    if (taken !== undefined && tookBefore(taken, token)) return next();
    // Another cors() took this request before: this one now speaks for it, even if deciding
    // fails, and replaces that one's CORS headers.
    const second = taken !== undefined;
    marks[TAKEN] = second ? [taken, token].flat() : token;
    if (second) marks[ROUTED] = undefined;
    keepOnErrorResponses(ctx.app);

    const policy = select(ctx);
    const request = corsRequestFromHeaderRecord(ctx.method, ctx.req.headers);
    const pending = decideCors(policy, request);
    // Async only when the user gave a function that returns a promise (the core's rule); a
    // rejection propagates to Koa's error handling like any middleware error.
    if (isThenable<CorsDecision>(pending)) {
      return Promise.resolve(pending).then((decision) =>
        respond(ctx, next, decision, second, policy),
      );
    }
    return respond(ctx, next, pending, second, policy);
  };

  /** `second`: another cors() decided this request before this one. */
  function respond(
    ctx: Ctx,
    next: CorsNext,
    decision: CorsDecision,
    second: boolean,
    policy: CorsPolicy | null,
  ): Promise<unknown> {
    if (onDecision !== undefined) onDecision(decision, ctx);
    // Someone upstream already answered (say a timeout, while an async origin function ran).
    if (ctx.headerSent) return DONE;
    // A policy that ran earlier for this request (say app-wide, before a router's own): this
    // later, more specific decision replaces its CORS headers.
    // A route that sets `Vary` itself (`ctx.set('Vary', 'Accept')`) would replace the CORS tokens;
    // they are kept, and merged back when the head is written, error responses included.
    const framing = writeCorsDecision(ctx.res, ctx.res, decision, second);

    if (framing !== undefined) {
      // An explicit null body, then the status: Koa then sends no status text as body. (A JSON type
      // set upstream would turn Koa 3's null body into `null`, so it goes first, named in lower
      // case as Node keeps it; and setting the body after the status would turn a 403 into a 204.)
      // Koa drops Content-Length on a 204.
      ctx.remove('content-type');
      ctx.body = null;
      ctx.status = framing.status;
      for (const name in framing.headers) ctx.set(name, framing.headers[name] as string);
      return DONE;
    }
    // Without protection (`undefined` from an older copy of the core) there is nothing to check.
    const protection = policy?.crossOriginProtection;
    if (protection == null) return route(ctx, next, decision);
    const refused = crossOriginStep(ctx, protection, onCrossOriginDecision);
    return afterCheck(refused, () => route(ctx, next, decision));
  }
}

/**
 * On to the route. The decision stays on the context for Koa's error handling (see
 * {@link keepOnErrorResponses}): only the last cors() that sent the request on speaks for it.
 */
function route(ctx: CorsContext, next: CorsNext, decision: CorsDecision): Promise<unknown> {
  (ctx as unknown as Marks)[ROUTED] = decision;
  return next();
}

const DONE: Promise<void> = Promise.resolve();

/**
 * Every cors() that took the request: one, or (rarely: an app-wide one, then a router's) a list.
 * The keys are the same for every middleware, so that property lookups on contexts stay fast
 * however many cors() an app has.
 */
const TAKEN = Symbol.for('@cors/koa taken');

function tookBefore(taken: unknown, token: symbol): boolean {
  return taken === token || (Array.isArray(taken) && taken.includes(token));
}

/**
 * The decision of the last cors() that sent the request on to the route; a symbol from the
 * registry, so that two copies of this package agree.
 */
const ROUTED = Symbol.for('@cors/koa routed decision');
/** On an app whose error responses get the CORS headers (see {@link keepOnErrorResponses}). */
const KEEPING = Symbol.for('@cors/koa keeps headers on errors');

type Marks = Record<symbol, unknown>;

/**
 * Koa's error handling (`ctx.onerror`, Koa 2 and 3) emits the app's `error` event with the error
 * and the context, then removes every response header and applies only `err.headers`. So, once per
 * app, a listener of that event merges the decision of the request's last cors() into
 * `err.headers`: the cost is on the error path, not on every request. Error-handling middleware
 * that emits the event (as Koa's documentation advises) before applying `err.headers` gets them
 * too. Added at the app's first request, after `app.callback()` installed Koa's default logger
 * (which it installs only when the app has no `error` listener).
 */
function keepOnErrorResponses(app: CorsContext['app']): void {
  if (app === undefined || (app as unknown as Marks)[KEEPING] === true) return;
  (app as unknown as Marks)[KEEPING] = true;
  app.on('error', addDecisionHeaders);
}

/** The `error` listener: `ctx` is absent when someone else emits the event without one. */
function addDecisionHeaders(error: unknown, ctx?: unknown): void {
  if (typeof ctx !== 'object' || ctx === null) return;
  const decision = (ctx as Marks)[ROUTED] as CorsDecision | undefined;
  if (decision === undefined) return;
  try {
    addErrorHeaders(error, decision);
  } catch {
    // An error object whose headers cannot be read or written keeps its own.
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
  const mergedValue = appendVary(vary, decision.vary);
  if (mergedValue !== '') merged.vary = mergedValue;
  try {
    target.headers = merged;
  } catch {
    // A frozen error keeps its own headers; there is nothing better to do with it.
  }
}

/**
 * CORS for the requests under one path prefix, mounted on the app in front of a `@koa/router`
 * router with that prefix. Unlike `router.use(cors())` plus an `OPTIONS` catch-all route, it sees
 * every request under the prefix whatever the router matches: preflights are answered, and the
 * router's own `404` (no route) and `405` (`allowedMethods()`: wrong method) stay what they are
 * and carry the CORS headers. The prefix compares case-insensitively, as `@koa/router` does by
 * default; a path outside it goes straight on.
 *
 * @example
 * const api = new Router({ prefix: '/api' });
 * app.use(corsUnder('/api', { origin: ['https://app.example.com'] }));
 * app.use(api.routes()).use(api.allowedMethods());
 */
export function corsUnder<
  Ctx extends CorsContext & { readonly path: string } = CorsContext & { readonly path: string },
>(
  prefix: string,
  options: KoaCorsOptions<Ctx> | CorsPolicy | KoaCorsPolicySelector<Ctx>,
  adapterOptions?: KoaCorsAdapterOptions<Ctx>,
): CorsMiddleware<Ctx> {
  const middleware = cors<Ctx>(options as CorsPolicy, adapterOptions);
  const base = (prefix.endsWith('/') ? prefix.slice(0, -1) : prefix).toLowerCase();
  return function corsUnderPrefix(ctx, next) {
    const path = ctx.path.toLowerCase();
    const under = base === '' || path === base || path.startsWith(`${base}/`);
    return under ? middleware(ctx, next) : next();
  };
}

/** The default export, like `@koa/cors`: `import cors from '@cors/koa'`. */
export default cors;
