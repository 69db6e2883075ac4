/**
 * The built package, as users load it (h3's lesson: a bundler once dropped code the source
 * needed). Needs `npm run build` first; turbo's test task depends on build.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { close, listen, send } from './http.js';

const require = createRequire(import.meta.url);
const APP = 'https://app.example.com';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => close(server)));
});

describe.each([
  ['ESM', async () => (await import('@cors/node')) as typeof import('../src/index.js')],
  ['CommonJS', async () => require('@cors/node') as typeof import('../src/index.js')],
])('the built %s entry', (_format, load) => {
  it('exports cors and handleCors, which answer real requests', async () => {
    const { cors, handleCors } = await load();
    const { createCorsPolicy } = (await import('@cors/core')) as typeof import('@cors/core');
    const middleware = cors({ origin: [APP] });
    const policy = createCorsPolicy({ origin: [APP] });
    const { server, port } = await listen((req, res) => {
      if (req.url === '/handle') {
        if (handleCors(req, res, policy)) return;
        res.end('route');
        return;
      }
      middleware(req, res, () => res.end('route'));
    });
    servers.push(server);

    for (const path of ['/middleware', '/handle']) {
      const reply = await send(port, 'GET', path, { origin: APP });
      expect(reply.body).toBe('route');
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
      const preflight = await send(port, 'OPTIONS', path, {
        origin: [APP, APP],
        'access-control-request-method': 'PUT',
      });
      expect(preflight.status).toBe(403);
    }
  });
});
