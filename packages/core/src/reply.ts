/**
 * The CORS step on a Fastify-style reply, once: @cors/fastify and @cors/nestjs on Fastify both run
 * it. Headers go into the reply's own header store (never `reply.raw.setHeader`), so that Fastify
 * sends its whole head in one `writeHead(status, headers)`; a `setHeader` on the node response
 * before that call would make Node take its slow path, validating and copying every header of every
 * response again. `Vary` is kept on `reply.raw` (see keepVary) for a route that sets its own.
 */
import {
  checkCrossOriginFromNodeRequest,
  settleCrossOriginCheck,
  type CrossOriginDecision,
  type CrossOriginProtection,
  type NodeRequestLike,
} from './cross-origin-protection.js';
import { decideCors } from './disabled.js';
import { thenOrNow } from './adapter.js';
import type { WriteHeadTarget } from './keep-vary.js';
import { replyHeaderTarget, type HeaderMethodReply } from './response.js';
import type { CorsDecision, CorsPolicy, CorsRequest } from './types.js';
import { writeCorsDecision } from './write-decision.js';

/** A reply as Fastify's: header methods, chainable `code`/`headers`, `send`, and the node response. */
export interface CorsReply extends HeaderMethodReply {
  readonly raw: WriteHeadTarget;
  code(status: number): CorsReply;
  headers(values: Readonly<Record<string, string>>): CorsReply;
  send(body?: string): unknown;
}

/** The listeners an adapter was given, called with its own request object. */
export interface ReplyListeners<Request> {
  readonly onDecision?: ((decision: CorsDecision, request: Request) => void) | undefined;
  readonly onCrossOriginDecision?:
    ((decision: CrossOriginDecision, request: Request) => void) | undefined;
}

/**
 * Decides `corsRequest` with `policy` (`null`: CORS off for this route), tells `onDecision`, writes
 * the headers on `reply`, and sends the answer when the decision ends the request (a preflight);
 * otherwise runs the policy's cross-origin protection, if any. Resolves `true` when the request was
 * answered here, `false` when it goes on to the route; a promise only when the policy or the
 * protection is asynchronous.
 *
 * `keepHeaders`: the framework may write a head on `reply.raw` without the reply's headers (Nest on
 * Fastify answers an error thrown in a Nest middleware so); the CORS headers are then kept for it
 * (see keepVary). Fastify itself never does, and a hijacked reply is the handler's own.
 *
 * @example
 * runCorsOnReply(policy, corsRequestFromHeaderRecord(request.method, request.raw.headers),
 *   reply, request.raw, request, { onDecision });
 */
export function runCorsOnReply<Request>(
  policy: CorsPolicy | null,
  corsRequest: CorsRequest,
  reply: CorsReply,
  message: NodeRequestLike,
  request: Request,
  listeners: ReplyListeners<Request>,
  keepHeaders = false,
): boolean | Promise<boolean> {
  return thenOrNow(decideCors(policy, corsRequest), (decision) => {
    if (listeners.onDecision !== undefined) listeners.onDecision(decision, request);
    const framing = writeCorsDecision(
      replyHeaderTarget(reply),
      reply.raw,
      decision,
      false,
      keepHeaders,
    );
    if (framing !== undefined) {
      void reply.code(framing.status).headers(framing.headers).send();
      return true;
    }
    const protection = policy?.crossOriginProtection;
    if (protection == null) return false;
    return protectReply(protection, reply, message, request, listeners.onCrossOriginDecision);
  });
}

/**
 * Cross-origin protection on a Fastify-style reply: checks `message`, tells `listener`, and sends
 * the refusal with `reply` (so that the CORS headers already on the reply go out with it). `true`
 * when the request was refused.
 *
 * @example
 * protectReply(protection, reply, request.raw, request, onCrossOriginDecision);
 */
export function protectReply<Request>(
  protection: CrossOriginProtection,
  reply: CorsReply,
  message: NodeRequestLike,
  request: Request,
  listener: ReplyListeners<Request>['onCrossOriginDecision'],
): boolean | Promise<boolean> {
  const checked = checkCrossOriginFromNodeRequest(protection, message);
  return settleCrossOriginCheck(checked, request, listener, (refusal) => {
    void reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
  });
}
