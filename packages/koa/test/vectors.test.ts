/**
 * The core's spec table, replayed over real HTTP through this middleware on Koa 2 and Koa 3: every
 * adapter must send byte-identical CORS headers for the same request.
 */
import { describe } from 'vitest';
import { specPolicies } from '../../core/test/vectors.js';
import { cors } from '../src/index.js';
import { listenKoa, replaySpecVectors } from './http.js';
import { koaVersions, newApp } from './versions.js';

describe.each(koaVersions)('spec vectors through $name', ({ Koa }) => {
  replaySpecVectors((policyName, onRoute) => {
    // One app per policy, answering `200 route` for every method and path after cors().
    const app = newApp(Koa);
    app.use(cors(specPolicies[policyName]!));
    app.use((ctx) => {
      onRoute();
      ctx.body = 'route';
    });
    return listenKoa(app);
  });
});
