/**
 * Small rules every adapter needs, stated once: whether a decision came back as a promise, and
 * which policy a request gets when the adapter was given a selector instead of one policy.
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
