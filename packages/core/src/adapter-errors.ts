/**
 * One error family for the adapters' own options (`onDecision`, Fastify's `hook`, Nest's module
 * options...): a {@link CorsAdapterError} with a string `code`, naming the option, the value and
 * the fix, the original error kept as `cause`. The core's own options report through
 * `CorsConfigError`.
 */
import { CorsError } from './errors.js';

/** The code of an adapter option that is not what the adapter accepts. */
export const ERR_CORS_ADAPTER_OPTIONS = 'ERR_CORS_ADAPTER_OPTIONS';

/** An adapter was set up wrongly; `option` names what to fix. */
export class CorsAdapterError extends CorsError {
  /** The option at fault, e.g. `onDecision`. */
  readonly option: string;

  constructor(
    code: string,
    option: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(code, message);
    this.name = 'CorsAdapterError';
    this.option = option;
    if (options !== undefined && 'cause' in options) {
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        writable: true,
        configurable: true,
      });
    }
  }
}

/**
 * Checks a decision listener (`onDecision`, `onCrossOriginDecision`): absent, or a function. Every
 * adapter takes them, and all refuse anything else the same way.
 *
 * @param option The option's name, `onDecision` unless said.
 * @example checkDecisionListener(options.onDecision, '@cors/node')
 */
export function checkDecisionListener(
  value: unknown,
  adapter: string,
  option = 'onDecision',
): void {
  if (value === undefined || typeof value === 'function') return;
  throw new CorsAdapterError(
    ERR_CORS_ADAPTER_OPTIONS,
    option,
    `${adapter}: \`${option}\` must be a function (decision, request) => void; got ${value === null ? 'null' : typeof value}. Remove it, or pass a function.`,
  );
}
