/**
 * Real HTTP for the tests: servers listen on 127.0.0.1 port 0, and requests go through
 * `node:http`, which lets a test send raw header lines (a duplicated Origin, for example).
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Starts `app` on a free loopback port and returns its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Sends one request. `headers` may be a flat list of name/value pairs, so that the same name can be
 * sent twice.
 */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> | [string, string][] = {},
  body?: string,
): Promise<HttpResponse> {
  const url = new URL(path, base);
  const flat = Array.isArray(headers) ? headers.flat() : Object.entries(headers).flat();
  // With headers given as a list, Node adds no Host line of its own.
  if (!flat.some((value, index) => index % 2 === 0 && value.toLowerCase() === 'host'))
    flat.push('host', url.host);
  // Without a length Node would send a POST chunked, which Fastify treats as a body to parse.
  if (method !== 'GET' && method !== 'HEAD')
    flat.push('content-length', String(Buffer.byteLength(body ?? '')));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: flat,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The response's `access-control-*` headers, as a plain object. */
export function corsHeaders(headers: HttpResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('access-control-') && value !== undefined) out[name] = String(value);
  }
  return out;
}

/** The tokens of a `Vary` header, as sent. */
export function varyTokens(headers: HttpResponse['headers']): string[] {
  const vary = headers.vary;
  if (vary === undefined) return [];
  return String(vary)
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}
