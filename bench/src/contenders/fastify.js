// Fastify 5. Peer: `@fastify/cors`. Ours: @cors/fastify. Both are plugins that add an `onRequest`
// hook; in-process, the hook function is taken from a real (never listening) Fastify instance and
// called with minimal request/reply objects.
import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import { corsOptions, loadOurs, oursOptions } from './options.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

async function register(app, kind, policy) {
  if (kind === 'peer') await app.register(fastifyCors, corsOptions(policy));
  if (kind === 'ours')
    await app.register(await loadOurs('@cors/fastify', 'default'), oursOptions(policy));
}

function addRoute(app) {
  app.route({
    method: METHODS,
    url: '/',
    handler: (_request, reply) => reply.type('text/plain').send('ok'),
  });
}

export default {
  id: 'fastify',
  title: 'Fastify 5',
  peer: '@fastify/cors',
  ours: '@cors/fastify',
  inprocess: {
    shape: 'fastify',
    async create(kind, policy) {
      const app = Fastify();
      const hooks = [];
      const addHook = app.addHook;
      app.addHook = function (name, hook) {
        if (name === 'onRequest') hooks.push(hook);
        return addHook.apply(this, arguments);
      };
      await register(app, kind, policy);
      addRoute(app);
      await app.ready();
      await app.close();
      if (hooks.length !== 1) throw new Error(`expected one onRequest hook, found ${hooks.length}`);
      return hooks[0];
    },
  },
  async listen(kind, policy) {
    const app = Fastify();
    await register(app, kind, policy);
    addRoute(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server;
  },
};
