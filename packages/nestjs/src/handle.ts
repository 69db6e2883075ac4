/**
 * The per-request step: apply the policy of the route the request reaches (see routes.ts). Under
 * Express, on the raw Node request and response, which @cors/node translates; under Fastify, on
 * Fastify's reply, through the core's reply step (as @cors/fastify does), so that Fastify still
 * writes its whole head at once. What a route with `@Cors(false)` answers is the core's rule
 * (`corsDisabledDecision`). Policy selectors and listeners get the raw Node request on both
 * platforms.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  corsRequestFromHeaderRecord,
  policyForRequest,
  runCorsOnReply,
  type CorsReply,
} from '@cors/core';
import { handleCors, handleCorsOff } from '@cors/node';
import type { CompiledCors } from './options.js';
import { routePoliciesDeclared } from './decorator.js';
import type { FastifyRequestLike, RouteCors } from './routes.js';

/** Ends the response now (`true`), or lets the request go on (`false`), or a promise of either. */
export type CorsStep = (
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteCors,
) => boolean | Promise<boolean>;

/** The same, on Fastify's request and reply. */
export type FastifyCorsStep = (
  request: FastifyRequestLike,
  reply: CorsReply,
) => boolean | Promise<boolean>;

/**
 * Who hears of the decisions made with `cors`, the route's own or the module's. A route's own policy
 * brings its own cross-origin protection (or none), and tells the listeners given with it; given
 * none, the module's.
 */
function listenersOf(moduleCors: CompiledCors, cors: CompiledCors): CompiledCors {
  const told = cors.onDecision !== undefined || cors.onCrossOriginDecision !== undefined;
  return told ? cors : moduleCors;
}

/** Builds the per-request step of an application on Express. */
export function createCorsStep(moduleCors: CompiledCors): CorsStep {
  return (req, res, route) => {
    if (route?.kind === 'disabled') return handleCorsOff(req, res, moduleCors);
    const cors = route?.kind === 'policy' ? route.cors : moduleCors;
    return handleCors(req, res, cors.policy, listenersOf(moduleCors, cors));
  };
}

/**
 * Builds the per-request step of an application on Fastify; `routeCors` finds the route's policy.
 * Nest answers an error thrown in a Nest middleware on a reply it rebuilds on the raw response:
 * the CORS headers are kept for that head (`keepHeaders`).
 */
export function createFastifyCorsStep(
  moduleCors: CompiledCors,
  routeCors: (request: FastifyRequestLike) => RouteCors,
): FastifyCorsStep {
  return (request, reply) => {
    const route = routePoliciesDeclared() ? routeCors(request) : undefined;
    const req = request.raw;
    const cors = route?.kind === 'policy' ? route.cors : moduleCors;
    const policy = route?.kind === 'disabled' ? null : policyForRequest(cors.policy, req);
    const corsRequest = corsRequestFromHeaderRecord(req.method ?? '', req.headers);
    const listeners = listenersOf(moduleCors, cors);
    return runCorsOnReply(policy, corsRequest, reply, req, req, listeners, true);
  };
}
