/**
 * The playground API on Fastify 5: the plugin is registered once with the main policy, and
 * /strict/hello gives itself a stricter one with `config: { cors }`. That route policy also decides
 * the route's preflights, so the browser's preflight for it is refused before anything runs.
 */
import Fastify from 'fastify';
import corsPlugin from '@cors/fastify';
import {
  dangerousOptions,
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

const ID = 'fastify';

export default {
  name: 'Fastify 5',
  async misconfigure() {
    const app = Fastify();
    try {
      await app.register(corsPlugin, dangerousOptions());
      await app.ready();
    } finally {
      await app.close();
    }
  },
  async start({ pageOrigin, log }) {
    const app = Fastify();

    // `await`: routes declared below must be seen by the plugin's onRoute hook.
    await app.register(corsPlugin, {
      ...mainPolicyOptions(pageOrigin),
      onDecision: (decision, request) => log(decision, request.method, request.url),
    });

    app.get('/api/hello', async () => ({ adapter: ID, message: 'hello' }));
    app.post('/api/login', async (_request, reply) => {
      reply.header('set-cookie', sessionCookie(ID));
      reply.code(204);
      return reply.send();
    });
    app.get('/api/me', async (request) => ({ session: readSession(request.headers.cookie) }));
    app.put('/api/items/42', async (request) => ({
      updated: true,
      custom: request.headers['x-custom'] ?? null,
    }));
    app.get('/api/exposed', async (_request, reply) => {
      reply.header('x-request-id', requestId());
      reply.header('x-hidden', 'secret');
      return { exposed: 'X-Request-Id' };
    });
    app.get('/api/boom', async () => {
      throw new Error('boom');
    });
    app.get('/strict/hello', { config: { cors: strictPolicyOptions() } }, async () => ({
      adapter: ID,
      message: 'strict',
    }));

    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address();
    return {
      url: `http://localhost:${port}`,
      close: () => app.close(),
    };
  },
};
