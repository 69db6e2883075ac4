/**
 * Writing a decision onto a response: its CORS headers, its `Vary` tokens merged with what is there,
 * the replacement of an earlier policy's headers, and the framing of an answered preflight. Every
 * adapter writes through these, so that no two adapters can answer the same request differently.
 * Structural types, so the core needs no DOM or Node types.
 */
import type { CorsDecision, CorsHeaderName } from './types.js';
import { appendVary } from './vary.js';

/**
 * Every response header a decision may set. An adapter whose request meets two policies (say an
 * app-wide one, then a router's) removes these before applying the later, more specific decision,
 * so that a refusal there is not undone by headers left by the first ({@link writeCorsHeaders}
 * does it).
 */
export const CORS_RESPONSE_HEADERS: readonly CorsHeaderName[] = Object.freeze([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-private-network',
  'access-control-expose-headers',
  'access-control-max-age',
]);

/** The part of the Fetch `Headers` interface that `applyCorsHeaders` uses. */
export interface HeadersLike {
  get(name: string): string | null;
  set(name: string, value: string): void;
}

/**
 * Sets a decision's CORS headers on `headers` and merges its `Vary` tokens with any `Vary` already
 * there. Returns `headers`.
 *
 * @example
 * const decision = policy.decide({ method: req.method, origin: req.headers.get('origin') });
 * applyCorsHeaders(response.headers, decision);
 */
export function applyCorsHeaders<H extends HeadersLike>(headers: H, decision: CorsDecision): H {
  const cors = decision.headers;
  for (const name in cors) headers.set(name, cors[name as keyof typeof cors] as string);
  if (decision.vary !== '')
    headers.set('vary', appendVary(headers.get('vary') ?? undefined, decision.vary));
  return headers;
}

/**
 * A header value as one string: a list joined with `", "` (as HTTP joins a repeated field), a
 * number as its digits; `undefined` for no value. Node, Fastify and Koa each hand header values
 * back in any of these shapes.
 *
 * @example headerString(['Accept', 'Origin']) // 'Accept, Origin'
 */
export function headerString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * The `Vary` value to set after merging `tokens` into `existing` (any header shape), or `undefined`
 * when the response already carries every token and nothing needs setting.
 *
 * @example mergedVary('Accept', 'Origin') // 'Accept, Origin'
 * @example mergedVary('Accept, Origin', 'Origin') // undefined
 */
export function mergedVary(existing: unknown, tokens: string): string | undefined {
  if (tokens === '') return undefined;
  const current = headerString(existing);
  // The decision's own tokens are already in canonical form: merge only with what is there.
  if (current === undefined) return tokens;
  const merged = appendVary(current, tokens);
  return merged === current ? undefined : merged;
}

/** A response's headers as an adapter reaches them (Node's `res`, Koa's `ctx`, Fastify's `reply`). */
export interface CorsHeaderTarget {
  /** The current value of a header, in any shape ({@link headerString} reads it). */
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
}

/** A reply that sets a header with `header(name, value)`, as Fastify's does. */
export interface HeaderMethodReply {
  getHeader(name: string): unknown;
  header(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
}

/**
 * A reply whose header setter is named `header` (Fastify's `reply.header(name, value)`), as a
 * {@link CorsHeaderTarget}, for {@link writeCorsDecision}. Per request, one small object and no
 * closure.
 *
 * @example
 * const framing = writeCorsDecision(replyHeaderTarget(reply), reply.raw, decision, false);
 */
export function replyHeaderTarget(reply: HeaderMethodReply): CorsHeaderTarget {
  return new ReplyHeaderTarget(reply);
}

/** A class, so that the three methods are shared rather than three closures per request. */
class ReplyHeaderTarget implements CorsHeaderTarget {
  readonly reply: HeaderMethodReply;
  constructor(reply: HeaderMethodReply) {
    this.reply = reply;
  }
  getHeader(name: string): unknown {
    return this.reply.getHeader(name);
  }
  setHeader(name: string, value: string): unknown {
    return this.reply.header(name, value);
  }
  removeHeader(name: string): unknown {
    return this.reply.removeHeader(name);
  }
}

/**
 * Writes a decision's headers onto a response: its CORS headers, then its `Vary` tokens merged
 * with the response's own. With `replacing` (an earlier, less specific policy already wrote for
 * this request: app-wide, then a router's), the earlier policy's CORS headers are removed first,
 * so that a refusal here is not undone by a grant left from there. `Vary` is only ever merged: a
 * token added by the earlier policy still describes what the response depended on.
 *
 * @example
 * writeCorsHeaders(res, decision, alreadyDecided);
 */
export function writeCorsHeaders(
  target: CorsHeaderTarget,
  decision: CorsDecision,
  replacing: boolean,
): void {
  if (replacing) for (const name of CORS_RESPONSE_HEADERS) target.removeHeader(name);
  const headers = decision.headers;
  for (const name in headers)
    target.setHeader(name, headers[name as keyof typeof headers] as string);
  const vary = mergedVary(target.getHeader('vary'), decision.vary);
  if (vary !== undefined) target.setHeader('vary', vary);
}

/** How an answered preflight goes out: see {@link preflightFraming}. */
export interface PreflightFraming {
  /** The status line's code. */
  readonly status: number;
  /** Headers that frame the empty body: `content-length: 0`, except on `204`. */
  readonly headers: Readonly<Record<string, string>>;
}

const NO_FRAMING_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_BODY: Readonly<Record<string, string>> = Object.freeze({ 'content-length': '0' });
const framings = new Map<number, PreflightFraming>();

/**
 * How to send a decision that ends the request (`decision.end`): its status and an empty body,
 * said explicitly with `Content-Length: 0`, except on `204`, where RFC 9110 §8.6 forbids
 * `Content-Length` (a 204 has no body by definition). Send no body and no content type.
 *
 * @example
 * const { status, headers } = preflightFraming(decision);
 * res.writeHead(status, headers).end();
 */
export function preflightFraming(decision: CorsDecision): PreflightFraming {
  const status = decision.status ?? 204;
  let framing = framings.get(status);
  if (framing === undefined) {
    framing = Object.freeze({
      status,
      headers: status === 204 ? NO_FRAMING_HEADERS : EMPTY_BODY,
    });
    // A status is one of 200–299 or 403: the map stays tiny.
    framings.set(status, framing);
  }
  return framing;
}
