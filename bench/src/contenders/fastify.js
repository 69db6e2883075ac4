// Fastify 5. Peer: `@fastify/cors`. Ours: @cors/fastify. Both are plugins that add an `onRequest`
// hook. In-process, two rows: the hook alone (taken from a real, never listening Fastify instance
// and called with minimal request/reply objects), and the whole app through `fastify.routing`
// (the function Fastify's server calls per request), on real request/response objects.
import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import { corsOptions, loadOurs, oursOptions } from './options.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** An onRequest hook that sets `fields`, and answers with `status` when `end` (static). */
function staticHook({ fields, end, status }) {
  return (_request, reply, done) => {
    for (const [name, value] of fields) reply.header(name, value);
    if (!end) return done();
    reply.code(status).send();
  };
}

async function register(app, kind, policy, answer) {
  if (kind === 'peer') await app.register(fastifyCors, corsOptions(policy));
  if (kind === 'ours')
    await app.register(await loadOurs('@cors/fastify', 'default'), oursOptions(policy));
  if (kind === 'static') app.addHook('onRequest', staticHook(answer));
}

async function app(kind, policy, answer) {
  const app = Fastify();
  await register(app, kind, policy, answer);
  app.route({
    method: METHODS,
    url: '/',
    handler: (_request, reply) => reply.type('text/plain').send('ok'),
  });
  return app;
}

/** The plugin's one onRequest hook, from a real Fastify instance that never listens. */
async function hook(kind, policy) {
  const hooks = [];
  const instance = Fastify();
  const addHook = instance.addHook;
  instance.addHook = function (name, hook) {
    if (name === 'onRequest') hooks.push(hook);
    return addHook.apply(this, arguments);
  };
  await register(instance, kind, policy);
  await instance.ready();
  await instance.close();
  if (hooks.length !== 1) throw new Error(`expected one onRequest hook, found ${hooks.length}`);
  return hooks[0];
}

export default {
  id: 'fastify',
  title: 'Fastify 5',
  peer: '@fastify/cors',
  ours: '@cors/fastify',
  inprocess: [
    { level: 'middleware', shape: 'fastify', create: hook },
    {
      level: 'app',
      shape: 'app',
      async create(kind, policy, answer) {
        const instance = await app(kind, policy, answer);
        await instance.ready();
        const handler = (req, res) => instance.routing(req, res);
        handler.close = () => instance.close();
        return handler;
      },
    },
  ],
  async listen(kind, policy) {
    const instance = await app(kind, policy);
    await instance.listen({ port: 0, host: '127.0.0.1' });
    return instance.server;
  },
};
