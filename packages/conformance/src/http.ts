/** Raw HTTP requests with full control of header lines, and reading the CORS part of a reply. */
import http, { type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
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

const CORS_VARY_TOKENS = new Set([
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
  'access-control-request-private-network',
]);

/** The CORS part of a reply, in a form that must be byte-identical across adapters. */
export function corsPart(reply: Reply): {
  headers: Record<string, string>;
  vary: string;
  lines: number;
} {
  const headers: Record<string, string> = {};
  let lines = 0;
  for (let i = 0; i < reply.rawHeaders.length; i += 2) {
    const name = (reply.rawHeaders[i] as string).toLowerCase();
    if (!name.startsWith('access-control-')) continue;
    lines++;
    headers[name] = reply.rawHeaders[i + 1] as string;
  }
  const vary = String(reply.headers.vary ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => CORS_VARY_TOKENS.has(token.toLowerCase()))
    .join(', ');
  return { headers, vary, lines };
}

/** The request headers of a spec vector. */
export function vectorHeaders(request: {
  origin?: string | null;
  requestMethod?: string | null;
  requestHeaders?: string | null;
  requestPrivateNetwork?: string | null;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  if (request.origin != null) headers.origin = request.origin;
  if (request.requestMethod != null)
    headers['access-control-request-method'] = request.requestMethod;
  if (request.requestHeaders != null)
    headers['access-control-request-headers'] = request.requestHeaders;
  if (request.requestPrivateNetwork != null)
    headers['access-control-request-private-network'] = request.requestPrivateNetwork;
  return headers;
}
