/**
 * The options of `CorsModule` and `@Cors()`, and their compilation. Everything here runs once, at
 * start-up (module options) or when a class is defined (decorators): never per request.
 */
import type { IncomingMessage } from 'node:http';
import {
  CorsError,
  createCorsPolicy,
  isCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';

/**
 * Called once per decided request with the decision and the raw Node request (the same object on
 * Express and Fastify), for logging and metrics. Keep it fast and do not mutate the decision.
 *
 * @example onDecision: (decision, req) => { if (!decision.allowed) logger.warn(`${req.url}: ${decision.message}`); }
 */
export type CorsDecisionListener = (decision: CorsDecision, req: IncomingMessage) => void;

/** Options of this adapter, accepted next to the core's options. */
export interface CorsAdapterOptions {
  /**
   * Called once per decided request (see {@link CorsDecisionListener}).
   * @default undefined
   */
  onDecision?: CorsDecisionListener;
}

/** A policy built ahead with `createCorsPolicy`, plus this adapter's options. */
export interface CorsPrebuiltPolicyOptions extends CorsAdapterOptions {
  /**
   * A policy from `createCorsPolicy(...)`, shared with other servers for example.
   * @example CorsModule.forRoot({ policy: createCorsPolicy({ origin: ['https://app.example.com'] }) })
   */
  policy: CorsPolicy;
}

/**
 * Options of `CorsModule.forRoot()` (and what the factory of `forRootAsync()` returns): the core's
 * options (`origin` is required) plus `onDecision`, or a prebuilt `policy` plus `onDecision`.
 *
 * @example CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true })
 */
export type CorsModuleOptions = (CorsOptions & CorsAdapterOptions) | CorsPrebuiltPolicyOptions;

/**
 * What `@Cors()` takes:
 * - the core's options (plus `onDecision`), or a prebuilt `CorsPolicy`: replaces the module's
 *   policy for the routes (options are not merged with the module's);
 * - `false`: no CORS for the routes: no CORS headers, and their preflights are refused (403);
 * - `true`: the module's policy, to undo a controller's `@Cors(...)` on one handler.
 */
export type CorsRouteOptions = (CorsOptions & CorsAdapterOptions) | CorsPolicy | boolean;

/** A compiled policy and the listener to tell about its decisions. */
export interface CompiledCors {
  readonly policy: CorsPolicy;
  readonly onDecision: CorsDecisionListener | undefined;
}

/** The stable code of the errors about this adapter's own options. */
export const ERR_CORS_NEST_OPTIONS = 'ERR_CORS_NEST_OPTIONS';

function readListener(value: unknown, where: string): CorsDecisionListener | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new CorsError(
      ERR_CORS_NEST_OPTIONS,
      `${where}: \`onDecision\` must be a function, got ${typeof value}.`,
    );
  }
  return value as CorsDecisionListener;
}

/**
 * Validates and compiles options once. A wrong option throws the core's `CorsConfigError`
 * (every problem listed), so a bad configuration stops the application at start-up.
 */
export function compileCors(options: unknown, where: string): CompiledCors {
  if (isCorsPolicy(options)) return { policy: options, onDecision: undefined };
  if (typeof options !== 'object' || options === null) {
    throw new CorsError(
      ERR_CORS_NEST_OPTIONS,
      `${where}: expected CORS options (with \`origin\`) or a policy from createCorsPolicy().`,
    );
  }
  // Adapter-only options are taken out: the core refuses options it does not know.
  const { onDecision, policy, ...coreOptions } = options as Record<string, unknown>;
  const listener = readListener(onDecision, where);
  if (policy !== undefined) {
    if (!isCorsPolicy(policy)) {
      throw new CorsError(
        ERR_CORS_NEST_OPTIONS,
        `${where}: \`policy\` must be a policy from createCorsPolicy().`,
      );
    }
    if (Object.keys(coreOptions).length > 0) {
      throw new CorsError(
        ERR_CORS_NEST_OPTIONS,
        `${where}: give either \`policy\` or the CORS options (${Object.keys(coreOptions).join(', ')}), not both.`,
      );
    }
    return { policy, onDecision: listener };
  }
  return { policy: createCorsPolicy(coreOptions as unknown as CorsOptions), onDecision: listener };
}
