/**
 * What every adapter accepts as its policy, and how it is compiled once, at start-up: the core's
 * options plus the adapter's `onDecision` listener, a policy made by `createCorsPolicy` (or a
 * selector returning one per request), or `{ policy, onDecision }`. The core refuses options it
 * does not know, so the adapter's own are taken out first.
 */
import { corsPolicySource, type CorsPolicySource } from './adapter.js';
import {
  CorsAdapterError,
  ERR_CORS_ADAPTER_OPTIONS,
  checkDecisionListener,
} from './adapter-errors.js';
import { createCorsPolicy } from './policy.js';
import type { CorsOptions } from './types.js';

/** A compiled policy (or selector) and the listener to tell about its decisions; frozen. */
export interface CorsAdapterPolicy<Request, Listener> {
  readonly policy: CorsPolicySource<Request>;
  readonly onDecision: Listener | undefined;
}

function optionError(where: string, option: string, message: string): CorsAdapterError {
  return new CorsAdapterError(ERR_CORS_ADAPTER_OPTIONS, option, `${where}: ${message}`);
}

/**
 * Validates and compiles what an adapter was given. Wrong core options throw `CorsConfigError`
 * (every problem listed); a wrong `onDecision` or `policy` throws a `CorsAdapterError`
 * (`ERR_CORS_ADAPTER_OPTIONS`) whose message starts with `where`.
 *
 * @example const { policy, onDecision } = compileCorsAdapterOptions(options, 'CorsModule.forRoot()');
 */
export function compileCorsAdapterOptions<Request, Listener>(
  options: unknown,
  where: string,
): CorsAdapterPolicy<Request, Listener> {
  const source = corsPolicySource<Request>(options);
  if (source !== undefined) return Object.freeze({ policy: source, onDecision: undefined });
  if (typeof options !== 'object' || options === null)
    throw optionError(
      where,
      'options',
      'expected CORS options (with `origin`), a policy from createCorsPolicy(), or a function returning one.',
    );
  const { onDecision, policy, ...coreOptions } = options as Record<string, unknown>;
  checkDecisionListener(onDecision, where);
  const listener = onDecision as Listener | undefined;
  if (policy === undefined)
    return Object.freeze({
      policy: createCorsPolicy(coreOptions as unknown as CorsOptions),
      onDecision: listener,
    });
  const given = corsPolicySource<Request>(policy);
  if (given === undefined)
    throw optionError(
      where,
      'policy',
      '`policy` must be a policy from createCorsPolicy(), or a function returning one.',
    );
  if (Object.keys(coreOptions).length > 0)
    throw optionError(
      where,
      'policy',
      `give either \`policy\` or the CORS options (${Object.keys(coreOptions).join(', ')}), not both.`,
    );
  return Object.freeze({ policy: given, onDecision: listener });
}
