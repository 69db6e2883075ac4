/**
 * @cors/nestjs — CORS for NestJS on Express and Fastify, built on @cors/core: `CorsModule` for the
 * application's policy and `@Cors()` for a controller's or a handler's, answered identically on
 * both platforms, before guards, for every route, 404s and errors included.
 *
 * @packageDocumentation
 */
export {
  CorsModule,
  CORS_MODULE_OPTIONS,
  CORS_MODULE_POLICY,
  ERR_CORS_NEST_DUPLICATE,
  ERR_CORS_NEST_ENABLE_CORS,
  ERR_CORS_NEST_PLATFORM,
} from './module.js';
export type { CorsModuleForRootAsyncOptions, CorsModuleForRootOptions } from './module.js';
export { Cors, CORS_METADATA } from './decorator.js';
/**
 * Cross-site request forgery protection for an application without `CorsModule`: @cors/node's
 * middleware, which both platforms run on the raw Node request. Apply it to every path with
 * `app.use(crossOriginProtection(options))` (a global prefix's excluded routes included), or with
 * `consumer.apply(crossOriginProtection(options)).forRoutes('*')` in a module. With `CorsModule`,
 * give its policy `crossOriginProtection` instead. See docs/csrf.md.
 */
export { crossOriginProtection } from '@cors/node';
export type { NodeCrossOriginProtectionOptions as CrossOriginProtectionOptions } from '@cors/node';
export type { RouteCorsMetadata } from './decorator.js';
export type {
  CompiledCors,
  CorsAdapterOptions,
  CorsDecisionListener,
  CrossOriginDecisionListener,
  CorsModuleOptions,
  CorsPrebuiltPolicyOptions,
  CorsRouteOptions,
  NestCorsPolicySelector,
} from './options.js';
