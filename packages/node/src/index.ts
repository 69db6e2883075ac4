/**
 * @cors/node — CORS for `node:http`, Connect and Express 4/5, built on `@cors/core`.
 *
 * The adapter translates and nothing else: it reads four request headers, asks the policy for a
 * decision, writes the decision's headers (merging `Vary`), and either ends a preflight or lets the
 * request continue. Every CORS rule lives in the core.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CorsAdapterError,
  ERR_CORS_ADAPTER_OPTIONS,
  checkCrossOriginFromNodeRequest,
  checkDecisionListener,
  corsDisabledDecision,
  corsPolicySource,
  corsRequestFromHeaderRecord,
  readProtectionOptions,
  readAdapterOptions,
  isThenable,
  policyForRequest,
  runCorsStep,
  settleCors,
  settleCrossOriginCheck,
  writeCorsDecision,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
  type CrossOriginDecision,
  type CrossOriginProtection,
  type CrossOriginProtectionOptions,
} from '@cors/core';

/**
 * `settleCors(handle, outcome)`: calls a step such as {@link handleCors}, then the outcome's
 * callback for what it decided (`proceed`, `end`, `fail`). From the core, where @cors/fastify takes
 * it too; kept here for the Nest hooks and custom servers that import it from this package.
 */
export { settleCors } from '@cors/core';
export type { CorsOutcome } from '@cors/core';

/**
 * Called once per decided request, after the decision and before its headers are written: for
 * logging and metrics. The decision is frozen and shared between requests; read it, never change
 * it. An error thrown here is handled like a failing `origin` function (see {@link cors}).
 *
 * @example
 * onDecision: (decision, req) => {
 *   if (!decision.allowed) console.warn(`CORS ${decision.reason} for ${req.method} ${req.url}`);
 * }
 */
export type CorsDecisionListener = (decision: CorsDecision, req: IncomingMessage) => void;

/**
 * Called once per request that cross-origin protection checked (the policy's
 * `crossOriginProtection`, or {@link crossOriginProtection}), passes and refusals alike, before a
 * refusal is sent: for logging. `decision.message` is the log line; the decision is frozen and
 * shared. An error thrown here is handled like a failing `origin` function.
 *
 * @example
 * onCrossOriginDecision: (decision, req) => {
 *   if (!decision.allowed) console.warn(`CSRF ${decision.reason}: ${decision.message}`);
 * }
 */
export type CrossOriginDecisionListener = (
  decision: CrossOriginDecision,
  req: IncomingMessage,
) => void;

/** Options of this adapter, on top of the core's. */
export interface NodeCorsAdapterOptions {
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
 * The options of {@link cors}: the core's {@link @cors/core!CorsOptions | CorsOptions} plus {@link NodeCorsAdapterOptions}.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, onDecision: (d) => metrics.count(d.reason) }
 */
export type NodeCorsOptions = CorsOptions & NodeCorsAdapterOptions;

/**
 * Chooses the policy of one request, for servers whose allowed origins depend on the request (a
 * tenant chosen by `Host`): return one of the policies compiled at start-up, never options. See
 * the core's `CorsPolicySelector` and docs/multi-tenant.md.
 *
 * @example
 * const byHost = new Map([['a.example.com', createCorsPolicy({ origin: ['https://app.a.example.com'] })]]);
 * app.use(cors((req) => byHost.get(req.headers.host ?? '') ?? fallback));
 */
export type NodeCorsPolicySelector = CorsPolicySelector<IncomingMessage>;

/** What a middleware passes on: nothing to continue, an error to fail (Connect/Express style). */
export type CorsNextFunction = (error?: unknown) => void;

/**
 * A Connect-style middleware, accepted by `http.createServer` handlers, Connect, and `app.use` /
 * `router.use` of Express 4 and 5.
 */
export type CorsMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: CorsNextFunction,
) => void;

/**
 * Creates a CORS middleware. The options are validated once, here: a mistake throws a
 * `CorsConfigError` listing every problem, at start-up rather than on the first request.
 *
 * Per request, the middleware either ends the response (a preflight, answered with the decision's
 * status, `Content-Length: 0` and no body; `next` is not called) or sets the CORS headers and calls
 * `next()`. The decision's `Vary` tokens are merged back when the response head is written, so a
 * route that sets `Vary` itself keeps them. When the origin or credentials function (or the
 * selector) throws or rejects, the error goes to `next(error)`, so Express's error handling sees
 * it; called without `next`, the middleware answers `500` itself, so that no request hangs and no
 * rejection goes unhandled.
 *
 * With `crossOriginProtection` in the policy, a request going on to the route is then checked for
 * cross-site request forgery: a refusal is the core's `403` over the CORS headers already set, and
 * `next` is not called (see docs/csrf.md).
 *
 * @param options - The core's options plus the listeners (`onDecision`, `onCrossOriginDecision`),
 * or `{ policy, ...listeners }`.
 * @throws {CorsConfigError} when the options are invalid.
 * @example
 * import express from 'express';
 * import { cors } from '@cors/node';
 *
 * const app = express();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
 */
export function cors(options: NodeCorsOptions): CorsMiddleware;
/**
 * The same, with a policy made once by `createCorsPolicy` (or a selector returning one per
 * request) and this adapter's options beside it.
 *
 * @param policy - A policy from `createCorsPolicy`, or a selector returning one of the policies
 * compiled at start-up.
 * @param adapterOptions - This adapter's listeners (`onDecision`, `onCrossOriginDecision`).
 */
export function cors(
  policy: CorsPolicy | NodeCorsPolicySelector,
  adapterOptions?: NodeCorsAdapterOptions,
): CorsMiddleware;
export function cors(
  options: NodeCorsOptions | CorsPolicy | NodeCorsPolicySelector,
  adapterOptions?: NodeCorsAdapterOptions,
): CorsMiddleware {
  // The core refuses unknown options, so this adapter's own options are taken out first.
  const { source: policySource, own } = readAdapterOptions<IncomingMessage>(
    '@cors/node',
    options,
    {},
    adapterOptions,
  );
  const listeners = own as NodeCorsAdapterOptions;
  const step = (req: IncomingMessage, res: ServerResponse) =>
    run(req, res, policyForRequest(policySource, req), listeners);

  return function corsMiddleware(req, res, next) {
    // With a `next` (Connect, Express), nothing is allocated per request; without one (a bare
    // node:http handler), a failure is answered here.
    if (next !== undefined) return runCorsStep(step, req, res, next);
    settleCors(() => step(req, res), { proceed: NOTHING, fail: (error) => fail(res, next, error) });
  };
}

/**
 * Applies a policy to a request for a custom server: sets the CORS headers, and answers preflights.
 * Returns `true` when the request must go no further (the response was ended, or was already sent
 * by someone else), `false` when the route should run.
 *
 * With a policy that has an async `origin` or `credentials` function, it returns a promise: write
 * `if (await handleCors(req, res, policy)) return;` (a promise is always truthy, so forgetting
 * `await` would stop every request). A failing function throws, or rejects the promise.
 *
 * @param policy - A policy made once by `createCorsPolicy` (or a selector returning one), not
 * options: compiling per request would validate the configuration on every request.
 * @example
 * import http from 'node:http';
 * import { createCorsPolicy } from '@cors/core';
 * import { handleCors } from '@cors/node';
 *
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
 * http.createServer((req, res) => {
 *   if (handleCors(req, res, policy)) return;
 *   res.end('hello');
 * });
 */
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy<CorsDecision>,
  adapterOptions?: NodeCorsAdapterOptions,
): boolean;
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy<Promise<CorsDecision>>,
  adapterOptions?: NodeCorsAdapterOptions,
): Promise<boolean>;
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy | NodeCorsPolicySelector,
  adapterOptions?: NodeCorsAdapterOptions,
): boolean | Promise<boolean>;
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy | NodeCorsPolicySelector,
  adapterOptions?: NodeCorsAdapterOptions,
): boolean | Promise<boolean> {
  const source = corsPolicySource<IncomingMessage>(policy);
  if (source === undefined) {
    throw new CorsAdapterError(
      ERR_CORS_ADAPTER_OPTIONS,
      'policy',
      'handleCors(req, res, policy) needs a policy made once with createCorsPolicy(options) from @cors/core ' +
        '(or a function returning one); options would be validated again on every request.',
    );
  }
  // Per request: checked in place, where readAdapterOptions (for start-up) would allocate.
  const listeners = adapterOptions ?? NO_LISTENERS;
  checkDecisionListener(listeners.onDecision, '@cors/node');
  checkDecisionListener(listeners.onCrossOriginDecision, '@cors/node', 'onCrossOriginDecision');
  return run(req, res, policyForRequest(source, req), listeners);
}

function run(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy,
  listeners: NodeCorsAdapterOptions,
): boolean | Promise<boolean> {
  const decision = policy.decide(corsRequestFromHeaderRecord(req.method ?? '', req.headers));
  // Async only when the user gave a function that returns a promise (the core's rule).
  if (isThenable<CorsDecision>(decision))
    return Promise.resolve(decision).then((d) => guard(req, res, policy, d, listeners));
  return guard(req, res, policy, decision, listeners);
}

/** The CORS decision, then, for a request going on to the route, the cross-origin check. */
function guard(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy,
  decision: CorsDecision,
  listeners: NodeCorsAdapterOptions,
): boolean | Promise<boolean> {
  if (applyCorsDecision(req, res, decision, listeners.onDecision)) return true;
  // Without protection (`undefined` from an older copy of the core) there is nothing to check.
  const protection = policy.crossOriginProtection;
  if (protection == null) return false;
  return crossOriginStep(req, res, protection, listeners.onCrossOriginDecision);
}

/**
 * Checks the request (its target as received: Express's `originalUrl`, before a mounted router
 * strips its prefix) and sends the refusal, over the CORS headers already set. `true`: refused.
 */
function crossOriginStep(
  req: IncomingMessage,
  res: ServerResponse,
  protection: CrossOriginProtection | null,
  listener: CrossOriginDecisionListener | undefined,
): boolean | Promise<boolean> {
  const target = (req as { originalUrl?: string }).originalUrl;
  const checked = checkCrossOriginFromNodeRequest(protection, req, target);
  return settleCrossOriginCheck(checked, req, listener, ({ status, headers, body }) => {
    // Someone else already answered (a timeout, while an async trusted-origin function ran).
    if (!res.headersSent) res.writeHead(status, headers).end(body);
  });
}

/**
 * Writes a decision onto a response: the headers, `Vary` kept past the route, and for a decision
 * that ends the request, the framed empty answer. Returns `true` when the request must go no
 * further. For integrations that decide themselves (e.g. `corsDisabledDecision` of the core for a
 * route with CORS off, as `@cors/nestjs` does).
 *
 * @example
 * if (applyCorsDecision(req, res, corsDisabledDecision(corsRequestFromHeaderRecord(req.method ?? '', req.headers)))) return;
 */
export function applyCorsDecision(
  req: IncomingMessage,
  res: ServerResponse,
  decision: CorsDecision,
  onDecision?: CorsDecisionListener,
): boolean {
  if (onDecision !== undefined) onDecision(decision, req);
  // Someone else already answered (say a timeout middleware, while an async origin function
  // ran): setting headers would throw, and running the route would write twice. Stop here.
  if (res.headersSent) return true;
  // A policy that ran earlier for this request (say app-wide, before a router's own): this later,
  // more specific decision replaces its CORS headers. A mark on the response says so.
  const marks = res as unknown as Record<symbol, unknown>;
  const framing = writeCorsDecision(res, res, decision, marks[DECIDED] === true);
  marks[DECIDED] = true;
  if (framing === undefined) return false;
  res.writeHead(framing.status, framing.headers).end();
  return true;
}

/**
 * A middleware for routes with CORS off, the same answer as Fastify's `cors: false` and Nest's
 * `@Cors(false)` (the core's `cors-disabled` decision): preflights refused with `403`, other
 * requests on to the route without CORS headers. Mount it before a broader `cors()`, which then
 * must not run for these paths, or on the route itself before its handler.
 *
 * @example
 * app.put('/internal/reindex', corsOff(), reindex);
 */
export function corsOff(adapterOptions?: NodeCorsAdapterOptions): CorsMiddleware {
  const onDecision = adapterOptions?.onDecision;
  checkDecisionListener(onDecision, '@cors/node');
  return function corsOffMiddleware(req, res, next) {
    if (!handleCorsOff(req, res, { onDecision })) next?.();
  };
}

/**
 * {@link corsOff} for a custom server or a framework's own hook (as `@cors/nestjs` uses it for
 * `@Cors(false)`): writes the core's `cors-disabled` decision, and returns `true` when the request
 * must go no further (a refused preflight), like {@link handleCors}.
 *
 * @example if (handleCorsOff(req, res)) return;
 */
export function handleCorsOff(
  req: IncomingMessage,
  res: ServerResponse,
  adapterOptions?: NodeCorsAdapterOptions,
): boolean {
  const request = corsRequestFromHeaderRecord(req.method ?? '', req.headers);
  return applyCorsDecision(req, res, corsDisabledDecision(request), adapterOptions?.onDecision);
}

/** Options of {@link crossOriginProtection}: the core's protection options and the listener. */
export interface NodeCrossOriginProtectionOptions extends CrossOriginProtectionOptions {
  /**
   * See {@link CrossOriginDecisionListener}.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener;
}

/**
 * Cross-site request forgery protection on its own, for apps with no CORS (with CORS, give the
 * policy `crossOriginProtection` instead, which also trusts what it allows with credentials). An
 * unsafe request that a page of another origin sent gets `403` and `next` is not called; every
 * other request goes on. The options are the core's `createCrossOriginProtection` options,
 * validated here (a `CorsConfigError` at start-up). See docs/csrf.md.
 *
 * @example
 * app.use(crossOriginProtection({ bypass: ['POST /oauth/callback'] }));
 */
export function crossOriginProtection(
  options: NodeCrossOriginProtectionOptions = {},
): CorsMiddleware {
  const { protection, onCrossOriginDecision } = readProtectionOptions('@cors/node', options);
  return function crossOriginProtectionMiddleware(req, res, next) {
    settleCors(() => crossOriginStep(req, res, protection, onCrossOriginDecision), {
      proceed: () => next?.(),
      fail: (error) => fail(res, next, error),
    });
  };
}

const NO_LISTENERS: NodeCorsAdapterOptions = Object.freeze({});
const NOTHING = (): void => undefined;

/** On a response that a policy of this adapter (any copy of it) already decided. */
const DECIDED = Symbol.for('@cors/node decided');

/** An error while deciding: to the framework when there is one, else a bare 500 (never a hang). */
function fail(res: ServerResponse, next: CorsNextFunction | undefined, error: unknown): void {
  if (next !== undefined) {
    next(error);
    return;
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(500, { 'content-length': '0' }).end();
}

/** The default export, like the `cors` package: `import cors from '@cors/node'`. */
export default cors;
