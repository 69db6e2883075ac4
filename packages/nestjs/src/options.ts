/**
 * The options of `CorsModule` and `@Cors()`, and their compilation. Everything here runs once, at
 * start-up (module options) or when a class is defined (decorators): never per request.
 */
import type { IncomingMessage } from 'node:http';
import type {
  CorsDecisionListener as NodeCorsDecisionListener,
  CrossOriginDecisionListener as NodeCrossOriginDecisionListener,
} from '@cors/node';
import {
  readAdapterOptions,
  type CorsPolicySource,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
} from '@cors/core';

/**
 * Called once per decided request with the decision and the raw Node request (the same object on
 * Express and Fastify), for logging and metrics: @cors/node's listener, since Nest's requests are
 * Node's on both platforms.
 */
export type CorsDecisionListener = NodeCorsDecisionListener;

/** Called with each cross-origin (CSRF) decision and the raw Node request: @cors/node's listener. */
export type CrossOriginDecisionListener = NodeCrossOriginDecisionListener;

/** Options of this adapter, accepted next to the core's options. */
export interface CorsAdapterOptions {
  /**
   * Called once per decided request (see {@link CorsDecisionListener}).
   * @default undefined
   */
  onDecision?: CorsDecisionListener;
  /**
   * Called once per request that the policy's `crossOriginProtection` checked, passes and
   * refusals alike (see {@link CrossOriginDecisionListener}). A route's `@Cors()` policy brings its
   * own protection; `@Cors(false)` has none.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener;
}

/**
 * Chooses the policy of one request from the raw Node request (the same object on Express and
 * Fastify), e.g. by `Host`: return one of the policies compiled at start-up, never options. See
 * docs/multi-tenant.md.
 *
 * @example CorsModule.forRoot({ policy: (req) => byHost.get(req.headers.host ?? '') ?? fallback })
 */
export type NestCorsPolicySelector = CorsPolicySelector<IncomingMessage>;

/** A policy built ahead with `createCorsPolicy` (or a selector), plus this adapter's options. */
export interface CorsPrebuiltPolicyOptions extends CorsAdapterOptions {
  /**
   * A policy from `createCorsPolicy(...)`, shared with other servers for example, or a selector
   * returning one per request.
   * @example CorsModule.forRoot({ policy: createCorsPolicy({ origin: ['https://app.example.com'] }) })
   */
  policy: CorsPolicy | NestCorsPolicySelector;
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
 * - the core's options (plus `onDecision`), a prebuilt `CorsPolicy`, or a selector: replaces the module's
 *   policy for the routes (options are not merged with the module's);
 * - `false`: CORS off (the core's `cors-disabled` decision): no CORS headers, preflights refused (403);
 * - `true`: the module's policy, to undo a controller's `@Cors(...)` on one handler.
 */
export type CorsRouteOptions =
  (CorsOptions & CorsAdapterOptions) | CorsPolicy | NestCorsPolicySelector | boolean;

/** A compiled policy and the listeners to tell about its decisions. */
export interface CompiledCors {
  /** The policy given or compiled, or a selector returning one per request. */
  readonly policy: CorsPolicySource<IncomingMessage>;
  readonly onDecision?: CorsDecisionListener | undefined;
  readonly onCrossOriginDecision?: CrossOriginDecisionListener | undefined;
}

/**
 * Validates and compiles options once (the core's adapter contract). A wrong option throws the
 * core's `CorsConfigError` (every problem listed), so a bad configuration stops the application
 * at start-up.
 */
export function compileCors(options: unknown, where: string): CompiledCors {
  const { source, own } = readAdapterOptions<IncomingMessage>(where, options);
  // `own` holds the listeners given (checked), and nothing else.
  return { ...(own as CorsAdapterOptions), policy: source };
}
