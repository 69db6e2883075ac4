/**
 * Real servers on 127.0.0.1 port 0 and real requests through `node:http`, which gives full control
 * of the raw header lines (an array value is sent as one line per element) and shows the raw lines
 * of the reply (so a header sent twice is seen twice). Shared with @cors/hono's tests.
 */
import http, { type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { createCorsPolicy } from '@cors/core';
import { specPolicies, type SpecVector } from '../../core/test/vectors.js';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
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
        resolve({
          status: response.statusCode as number,
          headers: response.headers,
          rawHeaders: response.rawHeaders,
          body,
        }),
      );
      response.on('error', reject);
    });
    request.end();
  });
}

/**
 * Serves a Fetch handler on `node:http` with Node's own `Request` and `Response` (undici's): the
 * request's header lines are appended one by one (so a repeated `Origin` reads as `a, b`, as on
 * every Fetch runtime), and the response's body is streamed chunk by chunk as it comes.
 */
export function serveFetch(
  handler: (request: Request) => Response | Promise<Response>,
): Promise<{ server: Server; port: number }> {
  return listen(async (req, res) => {
    try {
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
      }
      const method = req.method ?? 'GET';
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
        method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : null,
        duplex: 'half',
      } as RequestInit);
      const response = await handler(request);
      res.statusCode = response.status;
      for (const [name, value] of response.headers) {
        if (name !== 'set-cookie') res.setHeader(name, value);
      }
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
      if (response.body === null) {
        res.end();
        return;
      }
      res.flushHeaders();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        res.write(chunk);
      }
      res.end();
    } catch (error) {
      res.statusCode = 500;
      res.setHeader('x-error', String((error as Error)?.message ?? error).slice(0, 200));
      res.end();
    }
  });
}

/** The `access-control-*` header lines of a reply, as sent (a line sent twice would fail here). */
export function corsLines(reply: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < reply.rawHeaders.length; i += 2) {
    const name = (reply.rawHeaders[i] as string).toLowerCase();
    if (!name.startsWith('access-control-')) continue;
    expect(out, `${name} sent twice`).not.toHaveProperty(name);
    out[name] = reply.rawHeaders[i + 1] as string;
  }
  return out;
}

/** The reply's `Vary` line(s), joined as HTTP joins a repeated field. */
export function varyLine(reply: Reply): string {
  const lines: string[] = [];
  for (let i = 0; i < reply.rawHeaders.length; i += 2) {
    if ((reply.rawHeaders[i] as string).toLowerCase() === 'vary') {
      lines.push(reply.rawHeaders[i + 1] as string);
    }
  }
  return lines.join(', ');
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

/** The header a spec route sets, so that a reply says whether the route ran, across processes. */
export const ROUTE_HEADER = 'x-route';

/**
 * Checks a reply to a spec vector, served by a route that answers `200 route` with
 * `x-route: ran` and sets no `Vary` of its own: exactly the table's CORS header lines, which are
 * also the core's own decision for that request; exactly the decision's `Vary`; and either an
 * answered preflight with no body that never reached the route, or the route's answer.
 */
export function expectVectorReply(reply: Reply, vector: SpecVector): void {
  const decision = createCorsPolicy(specPolicies[vector.policy]!).decide(vector.request);
  if (decision instanceof Promise) throw new Error('spec policies are synchronous');
  const lines = corsLines(reply);
  expect(lines).toEqual(vector.expect.headers);
  expect(lines).toEqual(decision.headers);
  expect(varyLine(reply)).toBe(decision.vary);
  expect(decision.vary).toBe(vector.expect.vary);
  if (vector.expect.end) {
    expect(reply.status).toBe(vector.expect.status);
    expect(reply.body).toBe('');
    expect(reply.headers[ROUTE_HEADER]).toBeUndefined();
  } else {
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('route');
    expect(reply.headers[ROUTE_HEADER]).toBe('ran');
  }
}
