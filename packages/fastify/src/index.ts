/**
 * @cors/fastify — a Fastify 5 plugin for CORS, built on `@cors/core`, with per-route policies that
 * also govern preflights.
 *
 * The plugin translates and nothing else: it reads four request headers, asks the policy for a
 * decision, sets the decision's headers on the reply (merging `Vary`), and either answers a
 * preflight or lets the request continue. Every CORS rule lives in the core.
 *
 * @packageDocumentation
 */
import type { FastifyRouteCorsConfig } from './plugin.js';
import { corsPlugin } from './plugin.js';

export { corsPlugin };
export { crossOriginProtection } from './plugin.js';
export type {
  CorsDecisionListener,
  CrossOriginDecisionListener,
  FastifyCrossOriginProtectionOptions,
  CorsHook,
  FastifyCorsOptions,
  FastifyCorsPluginOptions,
  FastifyCorsPolicyOption,
  FastifyCorsPolicySelector,
  FastifyRouteCorsConfig,
} from './plugin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * This route's CORS policy, which also decides the preflights that ask for this route's method
     * and path: `false` (no CORS headers, preflights refused), the core's options (compiled once,
     * when the route is declared), or a policy made by `createCorsPolicy`. Absent: the policy given
     * to the plugin for this scope.
     *
     * @example
     * app.get('/admin', { config: { cors: { origin: ['https://admin.example.com'] } } }, handler);
     */
    cors?: FastifyRouteCorsConfig;
  }
}

/**
 * The plugin, as the default export: `fastify.register(corsPlugin, options)`. Same as
 * {@link corsPlugin}.
 */
export default corsPlugin;
