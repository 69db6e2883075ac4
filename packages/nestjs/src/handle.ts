/**
 * The per-request step, on the raw Node request and response (the same objects under Express and
 * Fastify, hence the same bytes on both): apply the policy of the route the request reaches (see
 * routes.ts), and let @cors/node translate, cross-origin protection included. What a route with `@Cors(false)` answers is the core's
 * rule (`corsDisabledDecision`, through @cors/node's `handleCorsOff`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleCors, handleCorsOff } from '@cors/node';
import type { CompiledCors } from './options.js';
import type { RouteCors } from './routes.js';

/** Ends the response now (`true`), or lets the request go on (`false`), or a promise of either. */
export type CorsStep = (
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteCors,
) => boolean | Promise<boolean>;

/** Builds the per-request step for an application. */
export function createCorsStep(moduleCors: CompiledCors): CorsStep {
  return (req, res, route) => {
    if (route?.kind === 'disabled') return handleCorsOff(req, res, moduleCors);
    const cors = route?.kind === 'policy' ? route.cors : moduleCors;
    // A route's own policy brings its own cross-origin protection (or none). It tells the listeners
    // given with it; given none, the module's.
    const own = cors.onDecision !== undefined || cors.onCrossOriginDecision !== undefined;
    return handleCors(req, res, cors.policy, own ? cors : moduleCors);
  };
}
