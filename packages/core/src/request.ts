/**
 * Reading a request into the core's terms: from a Fetch `Headers` (Deno, Bun, workers, Hono-like
 * frameworks), from a Node-style header object (node:http, Express, Fastify, Koa), or from Node's
 * raw header lines. Structural types, so the core needs no DOM or Node types.
 */
import type { HeadersLike } from './response.js';
import { headerString } from './response.js';
import type { CorsRequest } from './types.js';

/**
 * Reads what the core decides on from a Fetch-style `Headers` object. The three
 * `Access-Control-Request-*` headers mean something only on `OPTIONS`, so other methods skip them.
 */
export function corsRequestFromHeaders(
  method: string,
  headers: Pick<HeadersLike, 'get'>,
): CorsRequest {
  const origin = headers.get('origin');
  if (method !== 'OPTIONS') return { method, origin };
  return {
    method,
    origin,
    requestMethod: headers.get('access-control-request-method'),
    requestHeaders: headers.get('access-control-request-headers'),
    requestPrivateNetwork: headers.get('access-control-request-private-network'),
  };
}

/**
 * A Node-style header object (`req.headers` of `node:http`, Express, Fastify, Koa): lower-case
 * names, each a value or a list of values.
 */
export type HeaderRecord = Readonly<
  Record<string, string | readonly string[] | number | null | undefined>
>;

/**
 * Reads what the core decides on from a Node-style header object, as the adapters do. A list of
 * values is joined with `", "`, as HTTP joins a repeated field (Node already joins a repeated
 * `Origin` that way, and `decide` refuses the joined value as malformed). The three
 * `Access-Control-Request-*` headers are read only on `OPTIONS`, where they mean something.
 *
 * @example
 * const decision = policy.decide(corsRequestFromHeaderRecord(req.method ?? '', req.headers));
 */
export function corsRequestFromHeaderRecord(method: string, headers: HeaderRecord): CorsRequest {
  const value = headers.origin;
  // A string is what every request has, or no Origin at all: the common cases go first.
  const origin = typeof value === 'string' || value === undefined ? value : headerString(value);
  if (method !== 'OPTIONS') return { method, origin };
  return {
    method,
    origin,
    requestMethod: headerString(headers['access-control-request-method']),
    requestHeaders: headerString(headers['access-control-request-headers']),
    requestPrivateNetwork: headerString(headers['access-control-request-private-network']),
  };
}

/**
 * Every `Origin` line of a request, from Node-style raw header lines (`[name, value, name, value,
 * …]`), joined with `", "` as HTTP joins a repeated field. A browser sends one line; two lines are an
 * attack or a broken proxy, and joined they are not an origin, so `decide` refuses them as
 * malformed. Servers that expose only a parsed header object may keep just one of the lines, which
 * would let the second line slip past unseen. Returns `undefined` without an `Origin` line.
 *
 * @example
 * const origin = req.headers.origin === undefined ? undefined : originFromRawHeaders(req.rawHeaders);
 */
export function originFromRawHeaders(rawHeaders: readonly string[]): string | undefined {
  let joined: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    // Compare the length first: most header names are not six characters long.
    if (name.length !== 6 || name.toLowerCase() !== 'origin') continue;
    const value = rawHeaders[i + 1] as string;
    joined = joined === undefined ? value : `${joined}, ${value}`;
  }
  return joined;
}
