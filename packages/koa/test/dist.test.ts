/**
 * The built package, as users load it (h3's lesson: a bundler once dropped code the source
 * needed). Needs `npm run build` first; turbo's test task depends on build.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { corsHeaders, send } from './http.js';
import { koaVersions, newApp, withServer } from './versions.js';

const require = createRequire(import.meta.url);
const APP = 'https://app.example.com';

describe.each([
  ['ESM', async () => (await import('@cors/koa')) as typeof import('../src/index.js')],
  ['CommonJS', async () => require('@cors/koa') as typeof import('../src/index.js')],
])('the built %s entry', (_format, load) => {
  it.each(koaVersions)(
    'answers preflights and keeps CORS headers on errors on $name',
    async ({ Koa }) => {
      const { cors } = await load();
      expect(() => cors({ origin: '*', credentials: true } as never)).toThrow(/credentials/);
      const app = newApp(Koa);
      app.use(cors({ origin: [APP], credentials: true }));
      app.use((ctx) => {
        if (ctx.path === '/fail') ctx.throw(400, 'bad');
        ctx.body = 'route';
      });
      await withServer(app, async (port) => {
        const reply = await send(port, 'GET', '/', { origin: APP });
        expect(reply.body).toBe('route');
        expect(reply.headers['access-control-allow-origin']).toBe(APP);
        const preflight = await send(port, 'OPTIONS', '/', {
          origin: APP,
          'access-control-request-method': 'PUT',
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers['access-control-allow-methods']).toBe('PUT');
        const duplicated = await send(port, 'OPTIONS', '/', {
          origin: [APP, APP],
          'access-control-request-method': 'PUT',
        });
        expect(duplicated.status).toBe(403);
        const failed = await send(port, 'GET', '/fail', { origin: APP });
        expect(failed.status).toBe(400);
        expect(corsHeaders(failed)).toEqual({
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
        });
        expect(failed.headers.vary).toBe('Origin');
      });
    },
  );
});
