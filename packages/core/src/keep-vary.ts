/**
 * `Vary` that survives the route. CORS runs before the route, and the route (or the framework, or
 * a compression middleware) may then set `Vary` itself: `res.setHeader('Vary', 'Accept-Encoding')`,
 * Express's `res.set`, Fastify's `reply.header`, Nest's `@Header`, Koa's `ctx.set`. Each replaces
 * the whole header, and `Origin` is gone: a shared cache then serves one origin's answer to
 * another (Fetch §3.2.3, "CORS protocol and HTTP caches").
 *
 * Every Node-based server writes the status line and headers through one method of the response,
 * `writeHead` (called explicitly, or by `write`/`end` through `_implicitHeader`), so that is where
 * the CORS tokens are merged back: after everything the route did, once per response.
 */
import { headerString, mergedVary } from './response.js';
import { appendVary } from './vary.js';

/** The part of a Node `ServerResponse` (or `Http2ServerResponse`) that {@link keepVary} uses. */
export interface WriteHeadTarget {
  writeHead(...args: never[]): unknown;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
}

/** The tokens to merge back, on the response; a symbol from the registry, so copies agree. */
const VARY_TOKENS = Symbol.for('@cors/core vary tokens');
/** The response's own `writeHead`, kept on the response while the shared wrapper stands in. */
const WRITE_HEAD = Symbol.for('@cors/core writeHead');
/** CORS headers written on a framework's reply rather than on the response (see keepVary). */
const KEPT_HEADERS = Symbol.for('@cors/core kept headers');

interface Kept extends WriteHeadTarget {
  [VARY_TOKENS]?: string;
  [KEPT_HEADERS]?: Readonly<Record<string, string>> | undefined;
  [WRITE_HEAD]?: (...args: unknown[]) => unknown;
}

/**
 * Makes sure the response goes out with `tokens` in its `Vary`, merged (each token once) with
 * whatever `Vary` the route set in the meantime, however it set it. Call it after writing a
 * decision whose `vary` is not empty, on a request that goes on to the route. Calling it again for
 * the same response (a second, more specific policy) replaces the tokens; `writeHead` is wrapped
 * once per response, by one shared function (no closure per response).
 *
 * A `Vary` given to `writeHead(status, headers)` in an object is merged with the response's own
 * and with the tokens; a header list given as an array is left to Node.
 *
 * `headers`: the decision's CORS headers, when they were written on a framework's reply (Fastify's)
 * rather than on `res`. The framework passes them to `writeHead(status, headers)`; a head written
 * without them, and without them on `res` either, is a response the framework rebuilt on the raw
 * response (Nest on Fastify answers an error thrown in a middleware so), and they are added to it.
 *
 * @example
 * writeCorsHeaders(res, decision, false);
 * if (!decision.end && decision.vary !== '') keepVary(res, decision.vary);
 */
export function keepVary(
  res: WriteHeadTarget,
  tokens: string,
  headers?: Readonly<Record<string, string>>,
): void {
  const kept = res as Kept;
  const wrapped = kept[VARY_TOKENS] !== undefined;
  kept[VARY_TOKENS] = tokens;
  // Only responses whose headers are on a reply get the property: the others keep their shape.
  if (headers !== undefined || kept[KEPT_HEADERS] !== undefined) kept[KEPT_HEADERS] = headers;
  if (wrapped) return;
  // Kept unbound on purpose: writeHeadKeepingVary calls it with the response as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  kept[WRITE_HEAD] = res.writeHead as (...args: unknown[]) => unknown;
  res.writeHead = writeHeadKeepingVary as WriteHeadTarget['writeHead'];
}

/** Stands in for `writeHead` on a kept response: merges the tokens back, then writes the head. */
function writeHeadKeepingVary(
  this: Kept,
  status: unknown,
  reason?: unknown,
  fields?: unknown,
): unknown {
  // writeHead(status[, message][, headers]): the headers, when given, come last. Named
  // parameters rather than `...args`: this runs on every response.
  const count = arguments.length;
  const last = count > 2 ? fields : count > 1 ? reason : undefined;
  const headers =
    typeof last === 'object' && last !== null && !Array.isArray(last)
      ? (last as Record<string, unknown>)
      : undefined;
  const tokens = this[VARY_TOKENS] as string;
  const own = this.getHeader('vary');
  const name = headers === undefined ? undefined : varyName(headers);
  const lost = this[KEPT_HEADERS];
  if (headers !== undefined && lost !== undefined) restoreHeaders(this, headers, lost);
  if (headers !== undefined && name !== undefined) {
    // That `Vary` replaces the response's own: the response's tokens and ours go into it, and the
    // response is left alone. (Fastify sends its reply headers so, and Node writes such a head
    // without a `setHeader` per header only while the response has none of its own.)
    const given = headers[name];
    // Exactly the decision's tokens, and none on the response (Fastify's usual head): as it is.
    if (own !== undefined || given !== tokens) {
      const merged = appendVary(headerString(own), headerString(given) as string);
      headers[name] = appendVary(merged, tokens);
    }
  } else {
    const vary = mergedVary(own, tokens);
    if (vary !== undefined) this.setHeader('vary', vary);
  }
  const writeHead = this[WRITE_HEAD] as (...args: unknown[]) => unknown;
  if (count > 2) return writeHead.call(this, status, reason, fields);
  return count > 1 ? writeHead.call(this, status, reason) : writeHead.call(this, status);
}

function varyName(headers: Record<string, unknown>): string | undefined {
  if (headers.vary !== undefined) return 'vary';
  for (const name in headers) if (name.length === 4 && name.toLowerCase() === 'vary') return name;
  return undefined;
}

/** Adds to a head the kept CORS headers that neither it nor the response has. */
function restoreHeaders(
  res: WriteHeadTarget,
  head: Record<string, unknown>,
  lost: Readonly<Record<string, string>>,
): void {
  for (const name in lost) {
    if (head[name] === undefined && res.getHeader(name) === undefined) head[name] = lost[name];
  }
}
