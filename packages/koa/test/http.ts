/**
 * Real servers on 127.0.0.1 port 0 and real requests through `node:http`, which gives full control
 * of the raw header lines (an array value is sent as one line per element).
 */
import http, { type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** A Koa application of either major version, as far as these tests use it. */
export interface KoaApp {
  callback(): RequestListener;
}

/** Serves a Koa app on a free loopback port. */
export function listenKoa(app: KoaApp): Promise<{ server: Server; port: number }> {
  return listen(http.createServer(app.callback()));
}
