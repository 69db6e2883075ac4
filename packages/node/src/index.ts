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

/** Options of this adapter, on top of the core's. */
export interface NodeCorsAdapterOptions {
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener;
}

/**
 * The options of {@link cors}: the core's {@link @cors/core!CorsOptions | CorsOptions} plus {@link NodeCorsAdapterOptions}.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, onDecision: (d) => metrics.count(d.reason) }
 */
export type NodeCorsOptions = CorsOptions & NodeCorsAdapterOptions;

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
 * `next()`. When the origin or credentials function throws or rejects, the error goes to
 * `next(error)`, so Express's error handling sees it; called without `next`, the middleware answers
 * `500` itself, so that no request hangs and no rejection goes unhandled.
 *
 * @param options - The core's options plus `onDecision`, or a policy made by `createCorsPolicy`.
 * With a policy first, the second argument (`adapterOptions`) holds this adapter's `onDecision`.
 * @throws {CorsConfigError} when the options are invalid.
 * @example
 * import express from 'express';
 * import { cors } from '@cors/node';
 *
 * const app = express();
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
 */
export function cors(options: NodeCorsOptions): CorsMiddleware;
export function cors(policy: CorsPolicy, adapterOptions?: NodeCorsAdapterOptions): CorsMiddleware;
export function cors(
  options: NodeCorsOptions | CorsPolicy,
  adapterOptions?: NodeCorsAdapterOptions,
): CorsMiddleware {
  let policy: CorsPolicy;
  let onDecision: CorsDecisionListener | undefined;
  if (isCorsPolicy(options)) {
    policy = options;
    onDecision = adapterOptions?.onDecision;
  } else {
    // The core refuses unknown options, so this adapter's own option is taken out first.
    const { onDecision: listener, ...coreOptions } = (options ?? {}) as NodeCorsOptions;
    policy = createCorsPolicy(coreOptions as CorsOptions);
    onDecision = listener ?? adapterOptions?.onDecision;
  }
  checkListener(onDecision);

  return function corsMiddleware(req, res, next) {
    let handled: boolean | Promise<boolean>;
    try {
      handled = run(req, res, policy, onDecision);
    } catch (error) {
      fail(res, next, error);
      return;
    }
    if (handled === true) return;
    if (handled === false) {
      if (next !== undefined) next();
      return;
    }
    handled.then(
      (ended) => {
        if (!ended && next !== undefined) next();
      },
      (error: unknown) => fail(res, next, error),
    );
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
 * @param policy - A policy made once by `createCorsPolicy`, not options: compiling per request
 * would validate the configuration on every request.
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
  policy: CorsPolicy,
  adapterOptions?: NodeCorsAdapterOptions,
): boolean | Promise<boolean>;
export function handleCors(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy,
  adapterOptions?: NodeCorsAdapterOptions,
): boolean | Promise<boolean> {
  if (!isCorsPolicy(policy)) {
    throw new TypeError(
      'handleCors(req, res, policy) needs a policy made once with createCorsPolicy(options) from @cors/core; ' +
        'options would be validated again on every request.',
    );
  }
  const onDecision = adapterOptions?.onDecision;
  checkListener(onDecision);
  return run(req, res, policy, onDecision);
}

function checkListener(onDecision: unknown): void {
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    throw new TypeError(
      `onDecision must be a function (decision, req) => void; got ${typeof onDecision}.`,
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<CorsDecision> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function run(
  req: IncomingMessage,
  res: ServerResponse,
  policy: CorsPolicy,
  onDecision: CorsDecisionListener | undefined,
): boolean | Promise<boolean> {
  const decision = policy.decide(corsRequestFromHeaderRecord(req.method ?? '', req.headers));
  // Async only when the user gave a function that returns a promise (the core's rule).
  if (isThenable(decision))
    return Promise.resolve(decision).then((d) => finish(req, res, d, onDecision));
  return finish(req, res, decision, onDecision);
}

function finish(
  req: IncomingMessage,
  res: ServerResponse,
  decision: CorsDecision,
  onDecision: CorsDecisionListener | undefined,
): boolean {
  if (onDecision !== undefined) onDecision(decision, req);
  // Someone else already answered (say a timeout middleware, while an async origin function
  // ran): setting headers would throw, and running the route would write twice. Stop here.
  if (res.headersSent) return true;
  // A policy that ran earlier for this request (say app-wide, before a router's own): this later,
  // more specific decision replaces its CORS headers, so that a refusal here is not undone by the
  // headers left from there. A mark on the response says so without asking it for a header.
  const marks = res as unknown as Record<symbol, unknown>;
  if (marks[DECIDED] === true) {
    for (const name of CORS_RESPONSE_HEADERS) res.removeHeader(name);
  } else {
    marks[DECIDED] = true;
  }
  const headers = decision.headers;
  for (const name in headers) res.setHeader(name, headers[name as keyof typeof headers] as string);
  const vary = decision.vary;
  if (vary !== '') {
    // The decision's own tokens are already in canonical form: merge only with what is there.
    const existing = res.getHeader('vary');
    res.setHeader('vary', existing === undefined ? vary : appendVary(headerString(existing), vary));
  }
  if (!decision.end) return false;
  const status = decision.status as number;
  res.statusCode = status;
  // An empty body, said explicitly; except on 204, where RFC 9110 §8.6 forbids Content-Length.
  if (status !== 204) res.setHeader('content-length', '0');
  res.end();
  return true;
}

/** On a response that a policy of this adapter (any copy of it) already decided. */
const DECIDED = Symbol.for('@cors/node decided');

function headerString(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

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
  res.statusCode = 500;
  res.setHeader('content-length', '0');
  res.end();
}

/** The default export, like the `cors` package: `import cors from '@cors/node'`. */
export default cors;
