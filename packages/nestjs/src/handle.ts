/**
 * The per-request step, on the raw Node request and response (the same objects under Express and
 * Fastify, hence the same bytes on both): pick the route's policy, then let @cors/node translate.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DENIED_ORIGIN_PREFLIGHT_STATUS, type CorsDecision } from '@cors/core';
import { handleCors } from '@cors/node';
import type { CompiledCors, CorsDecisionListener } from './options.js';
import type { RouteTable } from './route-table.js';

/**
 * What `@Cors(false)` answers to a preflight: refused like a preflight from an origin that is not
 * allowed (403, no CORS headers), so the browser never sends the request.
 */
const DISABLED_PREFLIGHT: CorsDecision = Object.freeze({
  kind: 'preflight',
  allowed: false,
  reason: 'origin-not-allowed',
  message:
    'CORS is disabled for this route with @Cors(false); no origin may call it from a browser.',
  headers: Object.freeze({}),
  vary: '',
  end: true,
  status: DENIED_ORIGIN_PREFLIGHT_STATUS,
});

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
    const method = req.method ?? '';
    const requestMethod = req.headers['access-control-request-method'];
    // A preflight asks about the request to come: the route it looks up is that one's.
    const isPreflight =
      method === 'OPTIONS' && req.headers.origin !== undefined && typeof requestMethod === 'string';
    const target = table.lookup(
      isPreflight ? (requestMethod as string).toUpperCase() : method,
      req.url ?? '/',
    );
    if (target === null) return disabled(req, res, isPreflight, moduleCors.onDecision);
    if (target === moduleCors) return handleCors(req, res, policy, moduleOptions);
    let options = optionsOf.get(target);
    if (options === undefined) optionsOf.set(target, (options = { onDecision: target.onDecision }));
    return handleCors(req, res, target.policy, options);
  };
}

function disabled(
  req: IncomingMessage,
  res: ServerResponse,
  isPreflight: boolean,
  onDecision: CorsDecisionListener | undefined,
): boolean {
  // Not CORS for these routes: actual requests run without CORS headers, so browsers do not let
  // other origins read them.
  if (!isPreflight) return false;
  if (onDecision !== undefined) onDecision(DISABLED_PREFLIGHT, req);
  if (res.headersSent) return true;
  res.statusCode = DENIED_ORIGIN_PREFLIGHT_STATUS;
  res.setHeader('content-length', '0');
  res.end();
  return true;
}
