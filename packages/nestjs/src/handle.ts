/**
 * The per-request step, on the raw Node request and response (the same objects under Express and
 * Fastify, hence the same bytes on both): apply the policy of the route the request reaches (see
 * routes.ts), and let @cors/node translate. What a route with `@Cors(false)` answers is the core's
 * rule (`corsDisabledDecision`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsDisabledDecision, corsRequestFromHeaderRecord } from '@cors/core';
import { applyCorsDecision, handleCors } from '@cors/node';
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
    if (route === undefined || route.kind === 'module')
      return handleCors(req, res, moduleCors.policy, moduleCors);
    if (route.kind === 'disabled') {
      const request = corsRequestFromHeaderRecord(req.method ?? '', req.headers);
      return applyCorsDecision(req, res, corsDisabledDecision(request), moduleCors.onDecision);
    }
    // A route's own policy tells its own `onDecision`, else the module's.
    const listener = route.cors.onDecision === undefined ? moduleCors : route.cors;
    return handleCors(req, res, route.cors.policy, listener);
  };
}
