/**
 * Small rules every adapter needs, stated once: whether a decision came back as a promise, and
 * which policy a request gets when the adapter was given a selector instead of one policy.
 */
import { checkDecisionListener } from './adapter-errors.js';
import { createCorsPolicy, isCorsPolicy } from './policy.js';
import { selectedPolicy, type CorsPolicySelector } from './select.js';
import type { CorsOptions, CorsPolicy } from './types.js';

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

/** The listeners every adapter takes beside the core's options. */
export interface CorsAdapterListeners {
  /** Called with each CORS decision (`CorsDecision`) and the framework's request. */
  readonly onDecision?: ((decision: never, request: never) => void) | undefined;
  /** Called with each cross-origin decision (`CrossOriginDecision`) and the framework's request. */
  readonly onCrossOriginDecision?: ((decision: never, request: never) => void) | undefined;
}

/**
 * An adapter's listeners, checked (a `CorsAdapterError` naming the option for anything but a
 * function): `{}` when none were given.
 *
 * @example const { onDecision, onCrossOriginDecision } = adapterListeners(adapterOptions, '@cors/fetch');
 */
export function adapterListeners<L extends CorsAdapterListeners>(
  listeners: L | undefined,
  adapter: string,
): Partial<L> {
  if (listeners === undefined) return {};
  checkDecisionListener(listeners.onDecision, adapter);
  checkDecisionListener(listeners.onCrossOriginDecision, adapter, 'onCrossOriginDecision');
  return listeners;
}

/**
 * What an adapter makes of `(options, adapterOptions)`: a policy source (options compiled here by
 * `createCorsPolicy`, which validates them all at once, or the policy or selector given) and the
 * checked listeners. The core refuses unknown options, so the listeners are taken out of options
 * first (`adapterOptions` fills in what options leave out).
 *
 * @example
 * const { source, listeners } = corsAdapterSetup<Request, FetchCorsAdapterOptions>(options, adapterOptions, '@cors/fetch');
 */
export function corsAdapterSetup<Request, L extends CorsAdapterListeners>(
  options: unknown,
  adapterOptions: L | undefined,
  adapter: string,
): { readonly source: CorsPolicySource<Request>; readonly listeners: Partial<L> } {
  const source = corsPolicySource<Request>(options);
  if (source !== undefined) return { source, listeners: adapterListeners(adapterOptions, adapter) };
  const { onDecision, onCrossOriginDecision, ...coreOptions } = (options ?? {}) as L &
    Record<string, unknown>;
  const listeners = adapterListeners(
    {
      onDecision: onDecision ?? adapterOptions?.onDecision,
      onCrossOriginDecision: onCrossOriginDecision ?? adapterOptions?.onCrossOriginDecision,
    } as L,
    adapter,
  );
  return { source: createCorsPolicy(coreOptions as unknown as CorsOptions), listeners };
}

/**
 * `next(value)` now, or once `value` settles when it is a promise: the core's decisions are
 * promises only when the user gave an async function, and the common path must not pay a turn of
 * the microtask queue for the rare one.
 *
 * @example return thenOrNow(policy.decide(request), (decision) => respond(decision));
 */
export function thenOrNow<T, R>(
  value: T | PromiseLike<T>,
  next: (value: T) => R | PromiseLike<R>,
): R | Promise<R> {
  return isThenable<T>(value) ? Promise.resolve(value).then(next) : (next(value) as R);
}
