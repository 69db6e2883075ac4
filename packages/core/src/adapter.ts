/**
 * Small rules every adapter needs, stated once: whether a decision came back as a promise, which
 * policy a request gets when the adapter was given a selector instead of one policy, and how a
 * framework with callbacks (Connect's `next`, Fastify's `done`) goes on after a step.
 */
import { isCorsPolicy } from './policy.js';
import { selectedPolicy, type CorsPolicySelector } from './select.js';
import type { CorsPolicy } from './types.js';

/**
 * True for a promise or any object with a `then` method: `decide` returns one only when an
 * `origin` or `credentials` function returned one.
 */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** What an adapter is given in place of options: one policy, or a selector of one per request. */
export type CorsPolicySource<Request> = CorsPolicy | CorsPolicySelector<Request>;

/**
 * Tells a selector (a function) from a policy (branded) and from options (a plain object, which
 * the adapter compiles itself). `undefined` for options.
 */
export function corsPolicySource<Request>(value: unknown): CorsPolicySource<Request> | undefined {
  if (typeof value === 'function') return value as CorsPolicySelector<Request>;
  return isCorsPolicy(value) ? value : undefined;
}

/**
 * The policy of one request: the policy itself, or what the selector returns for this request,
 * checked by {@link selectedPolicy} (a `CorsError` `ERR_CORS_SELECTOR_RESULT` for anything but a
 * compiled policy).
 */
export function policyForRequest<Request>(
  source: CorsPolicySource<Request>,
  request: Request,
): CorsPolicy {
  return typeof source === 'function' ? selectedPolicy(source(request)) : source;
}

/**
 * `next(value)` now, or once `value` settles when it is a promise: the core's decisions are
 * promises only when the user gave an async function, and the common path must not pay a turn of
 * the microtask queue for the rare one. Used by @cors/fetch and @cors/fastify.
 *
 * @example return thenOrNow(policy.decide(request), (decision) => respond(decision));
 */
export function thenOrNow<T, R>(
  value: T | PromiseLike<T>,
  next: (value: T) => R | PromiseLike<R>,
): R | Promise<R> {
  return isThenable<T>(value) ? Promise.resolve(value).then(next) : (next(value) as R);
}

/**
 * What comes after an adapter's step (say @cors/node's `handleCors`), for a framework whose
 * request hooks go on, stop and fail through callbacks (Connect's `next`, Fastify's `done`).
 */
export interface CorsOutcome {
  /** The request goes on to the route. */
  proceed(): void;
  /** The response was ended (a preflight answered, a forged request refused). */
  end?(): void;
  /** The step failed (an `origin` function threw or rejected): to the framework's error handling. */
  fail(error: unknown): void;
}

/**
 * Calls `handle` (a step returning whether it ended the response), then the outcome's callback for
 * what it decided: at once when it decided synchronously, when its promise settles otherwise. What
 * it throws or rejects with goes to `fail`. Used by @cors/node (and through it @cors/nestjs) and
 * @cors/fastify.
 *
 * @example
 * settleCors(() => handleCors(req, res, policy), { proceed: () => next(), fail: next });
 */
export function settleCors(handle: () => boolean | Promise<boolean>, outcome: CorsOutcome): void {
  let ended: boolean | Promise<boolean>;
  try {
    ended = handle();
  } catch (error) {
    outcome.fail(error);
    return;
  }
  const after = (done: boolean) => (done ? outcome.end?.() : outcome.proceed());
  if (isThenable<boolean>(ended)) ended.then(after, (error: unknown) => outcome.fail(error));
  else after(ended);
}

/**
 * {@link settleCors} for the hot path of a framework whose hooks go on and fail through one
 * Connect-style callback (Connect's and Express's `next`, Fastify's `done`): runs
 * `step(request, response)`, then `next()` when it lets the request go on, nothing when it ended
 * the response, and `next(error)` when it throws or rejects. The step and `next` are passed as they
 * are, so a request decided synchronously (the common case) allocates no closure and no promise.
 *
 * @example
 * fastify.addHook('onRequest', (request, reply, done) => runCorsStep(step, request, reply, done));
 */
export function runCorsStep<Request, Response>(
  step: (request: Request, response: Response) => boolean | Promise<boolean>,
  request: Request,
  response: Response,
  next: (error?: unknown) => void,
): void {
  let ended: boolean | Promise<boolean>;
  try {
    ended = step(request, response);
  } catch (error) {
    next(error);
    return;
  }
  if (ended === false) next();
  else if (ended !== true) ended.then((done) => (done ? undefined : next()), next);
}
