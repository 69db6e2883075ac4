/**
 * Real servers on 127.0.0.1 port 0 and real requests through `node:http`, which gives full control
 * of the raw header lines (an array value is sent as one line per element).
 */
import http, { type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { specPolicies, specVectors, type SpecVector } from '../../core/test/vectors.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export type RequestHeaders = Record<string, string | string[]>;

/** Starts `server` (or a server around `listener`) on a free loopback port. */
export async function listen(
  serverOrListener: Server | RequestListener,
): Promise<{ server: Server; port: number }> {
  const server =
    typeof serverOrListener === 'function' ? http.createServer(serverOrListener) : serverOrListener;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export async function close(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** One request; no keep-alive, so that closing the server never waits on an idle socket. */
export function send(
  port: number,
  method: string,
  path: string,
  headers: RequestHeaders = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, agent: false });
    for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode as number, headers: response.headers, body }),
      );
      response.on('error', reject);
    });
    request.end();
  });
}

/** The `access-control-*` headers of a reply, as a plain object. */
export function corsHeaders(reply: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (name.startsWith('access-control-')) out[name] = String(value);
  }
  return out;
}

/** The lower-cased tokens of the reply's `Vary`. */
export function varyTokens(reply: Reply): string[] {
  const vary = reply.headers.vary;
  if (vary === undefined) return [];
  return String(vary)
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}

/** The request header lines of a spec vector (absent headers are not sent). */
export function vectorHeaders(request: SpecVector['request']): RequestHeaders {
  const headers: RequestHeaders = {};
  if (request.origin != null) headers.origin = request.origin;
  if (request.requestMethod != null)
    headers['access-control-request-method'] = request.requestMethod;
  if (request.requestHeaders != null)
    headers['access-control-request-headers'] = request.requestHeaders;
  if (request.requestPrivateNetwork != null) {
    headers['access-control-request-private-network'] = request.requestPrivateNetwork;
  }
  return headers;
}

/**
 * Checks a reply against a spec vector: exactly its CORS headers, its Vary tokens (and no Origin
 * token when it has none), and either an answered preflight with no body that never reached the
 * route, or the route's `200 route`.
 */
export function expectVectorReply(
  reply: Reply,
  expected: SpecVector['expect'],
  routeRan: boolean,
): void {
  expect(corsHeaders(reply)).toEqual(expected.headers);
  const vary = varyTokens(reply);
  const expectedVary = expected.vary
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
  for (const token of expectedVary) expect(vary).toContain(token);
  if (!expectedVary.includes('origin')) expect(vary).not.toContain('origin');
  if (expected.end) {
    expect(reply.status).toBe(expected.status);
    expect(reply.body).toBe('');
    expect(routeRan).toBe(false);
  } else {
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('route');
    expect(routeRan).toBe(true);
  }
}

/**
 * Replays the core's spec table over real HTTP, inside a `describe`: `start` serves one spec policy
 * (by name) answering `200 route` after CORS, and calls `onRoute` whenever the route runs. Every
 * vector goes to its policy's server and must get exactly the table's answer.
 */
export function replaySpecVectors(
  start: (policyName: string, onRoute: () => void) => Promise<{ server: Server; port: number }>,
): void {
  const ports = new Map<string, number>();
  const running: Server[] = [];
  let routeRuns = 0;

  beforeAll(async () => {
    for (const policyName of Object.keys(specPolicies)) {
      const { server, port } = await start(policyName, () => routeRuns++);
      running.push(server);
      ports.set(policyName, port);
    }
  });
  afterAll(async () => {
    await Promise.all(running.map((server) => close(server)));
  });

  for (const vector of specVectors) {
    it(vector.name, async () => {
      const before = routeRuns;
      const reply = await send(
        ports.get(vector.policy)!,
        vector.request.method,
        '/spec',
        vectorHeaders(vector.request),
      );
      expectVectorReply(reply, vector.expect, routeRuns > before);
    });
  }
}
