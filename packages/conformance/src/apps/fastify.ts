import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import corsPlugin from '@cors/fastify';
import { cookieValue } from './server.js';
import {
  BoomError,
  DEFAULT_STRICT,
  tenantPolicy,
  type AdapterApp,
  type RunningApp,
} from './types.js';

/** Fastify 5 with the plugin app-wide and /strict/* under a route-level policy. */
export const fastifyApp: AdapterApp = {
  name: 'fastify',
  async start({ policy, strict = DEFAULT_STRICT }) {
    const app = Fastify();
    const requests: RunningApp['requests'] = [];
    app.server.prependListener(
      'request',
      (req) => void requests.push({ method: req.method ?? '', url: req.url ?? '' }),
    );
    await app.register(corsPlugin, policy);

    app.all('/vector', async (_request, reply) => reply.type('text/plain').send('route'));
    app.get('/api/hello', async () => ({ adapter: 'fastify', message: 'hello' }));
    app.post('/api/login', async (_request, reply) => {
      reply.header('set-cookie', 'session=fastify; Path=/; SameSite=Lax');
      return reply.code(204).send();
    });
    app.get('/api/me', async (request) => ({
      session: cookieValue(request.headers.cookie, 'session'),
    }));
    const item = async (request: { method: string; headers: Record<string, unknown> }) => ({
      method: request.method,
      custom: request.headers['x-custom'] ?? null,
    });
    app.put('/api/items/42', item);
    app.delete('/api/items/42', item);
    app.get('/api/exposed', async (_request, reply) => {
      reply.header('x-request-id', '42');
      reply.header('x-hidden', 'secret');
      return { ok: true };
    });
    app.get('/api/boom', async () => {
      throw new BoomError();
    });
    const strictRoute = { config: { cors: strict } };
    app.get('/strict/hello', strictRoute, async () => ({ adapter: 'fastify', message: 'hello' }));
    app.put('/strict/hello', strictRoute, async () => ({ adapter: 'fastify', message: 'hello' }));
    app.get('/strict/boom', strictRoute, async () => {
      throw new BoomError();
    });
    app.put('/off', { config: { cors: false } }, async () => 'off');
    app.get('/vary', async (_request, reply) =>
      reply.header('Vary', 'Accept-Encoding').send('vary'),
    );
    const tenant = tenantPolicy();
    const tenantRoute = {
      config: { cors: (request: { headers: { host?: string } }) => tenant(request.headers.host) },
    };
    app.get('/tenant', tenantRoute, async () => 'tenant');
    app.put('/tenant', tenantRoute, async () => 'tenant');

    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${port}`, port, requests, close: () => app.close() };
  },
};
