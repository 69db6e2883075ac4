/**
 * The per-request step, on the raw Node request and response (the same objects under Express and
 * Fastify, hence the same bytes on both): pick the route's policy, then let @cors/node translate.
 * What a preflight is, and which method it asks about, is the core's rule (`corsRequestKind`,
 * `normalizeMethod`); so is what a route with `@Cors(false)` answers (`corsDisabledDecision`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  corsDisabledDecision,
  corsRequestFromHeaderRecord,
  corsRequestKind,
  normalizeMethod,
} from '@cors/core';
import { applyCorsDecision, handleCors } from '@cors/node';
import type { CompiledCors, CorsDecisionListener } from './options.js';
import type { RouteTable } from './route-table.js';

/** Ends the response now (`true`), or lets the request go on (`false`), or a promise of either. */
export type CorsStep = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Builds the per-request step for an application. */
export function createCorsStep(moduleCors: CompiledCors, table: RouteTable): CorsStep {
  const { policy, onDecision } = moduleCors;
  const moduleOptions = { onDecision };
  if (!table.hasOverrides) {
    // No @Cors() anywhere: no lookup at all.
    return (req, res) => handleCors(req, res, policy, moduleOptions);
  }
  const optionsOf = new WeakMap<CompiledCors, { onDecision: CorsDecisionListener | undefined }>();
  return (req, res) => {
    const request = corsRequestFromHeaderRecord(req.method ?? '', req.headers);
    // A preflight asks about the request to come: the route it looks up is that one's.
    const method =
      corsRequestKind(request) === 'preflight'
        ? normalizeMethod(request.requestMethod as string)
        : request.method;
    const target = table.lookup(method, req.url ?? '/');
    if (target === null)
      return applyCorsDecision(req, res, corsDisabledDecision(request), moduleCors.onDecision);
    if (target === moduleCors) return handleCors(req, res, policy, moduleOptions);
    let options = optionsOf.get(target);
    if (options === undefined) optionsOf.set(target, (options = { onDecision: target.onDecision }));
    return handleCors(req, res, target.policy, options);
  };
}
