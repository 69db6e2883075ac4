/**
 * The spec table's Hono app, the same on every runtime: `/spec/<policy name>/*` has `cors` with
 * that spec policy's options, and one route answers `200 route` with `x-route: ran`.
 */
import { Hono } from 'hono';
import { specPolicies } from '../../../core/test/vectors.js';
import { cors } from '../../src/index.js';

export function specApp(): Hono {
  const app = new Hono();
  for (const [name, options] of Object.entries(specPolicies))
    app.use(`/spec/${name}`, cors(options));
  app.all('/spec/*', (c) => c.body('route', 200, { 'x-route': 'ran' }));
  return app;
}
