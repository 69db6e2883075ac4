/**
 * The spec table's server, the same on every runtime: `/spec/<policy name>` goes to a handler
 * wrapped by `withCors` with that spec policy's options, which answers `200 route` with
 * `x-route: ran` once CORS lets it run.
 */
import { specPolicies } from '../../../core/test/vectors.js';
import { withCors } from '../../src/index.js';

const route = (): Response => new Response('route', { headers: { 'x-route': 'ran' } });

const handlers = new Map(
  Object.entries(specPolicies).map(([name, options]) => [name, withCors(route, options)]),
);

export function specFetch(request: Request): Response | Promise<Response> {
  const name = new URL(request.url).pathname.split('/')[2] ?? '';
  const handler = handlers.get(name);
  if (handler === undefined) return new Response(`no spec policy ${name}`, { status: 404 });
  return handler(request);
}
