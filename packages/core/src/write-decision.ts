/**
 * Writing a whole decision onto a response, as every adapter on Node's response does: its headers,
 * then either how to frame the preflight answer to send now, or, for a request that goes on to the
 * route, its `Vary` tokens kept past the route. One function, so that no adapter forgets a step.
 */
import { keepVary, type WriteHeadTarget } from './keep-vary.js';
import {
  preflightFraming,
  writeCorsHeaders,
  type CorsHeaderTarget,
  type PreflightFraming,
} from './response.js';
import type { CorsDecision } from './types.js';

/**
 * Writes `decision` onto a response: its headers through `target` (see {@link writeCorsHeaders};
 * `replacing` removes an earlier policy's), then, for a decision that ends the request, returns
 * the status and headers to send with an empty body; for any other, keeps its `Vary` tokens on
 * `res` past the route (see {@link keepVary}) and returns `undefined`: go on to the route. With
 * `keepHeaders` (headers written on a framework's reply, not on `res`), the headers are kept on
 * `res` too, for a head the framework writes there without them (see {@link keepVary}).
 *
 * @param target - Where the framework keeps the response's headers (Node's `res`, Koa's `ctx.res`,
 * a wrapper of Fastify's `reply`).
 * @param res - Node's response itself, whose head the framework writes.
 * @example
 * const framing = writeCorsDecision(res, res, decision, false);
 * if (framing === undefined) return next();
 * res.writeHead(framing.status, framing.headers).end();
 */
export function writeCorsDecision(
  target: CorsHeaderTarget,
  res: WriteHeadTarget,
  decision: CorsDecision,
  replacing: boolean,
  keepHeaders = false,
): PreflightFraming | undefined {
  writeCorsHeaders(target, decision, replacing);
  if (decision.end) return preflightFraming(decision);
  const headers = keepHeaders ? decision.headers : undefined;
  if (decision.vary !== '' || (headers !== undefined && hasHeaders(headers)))
    keepVary(res, decision.vary, headers);
  return undefined;
}

function hasHeaders(headers: object): boolean {
  for (const _ in headers) return true;
  return false;
}
