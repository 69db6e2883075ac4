// Koa 3. Peer: `@koa/cors` (origin as a function, see ./options.js). Ours: `cors()` from @cors/koa.
import Koa from 'koa';
import koaCors from '@koa/cors';
import { koaCorsOptions, loadOurs, oursOptions } from './options.js';

async function middleware(kind, policy) {
  if (kind === 'peer') return koaCors(koaCorsOptions(policy));
  const cors = await loadOurs('@cors/koa', 'cors');
  return cors(oursOptions(policy));
}

/** A middleware that sets `fields`, and answers with `status` when `end` (the static contender). */
function staticMiddleware({ fields, end, status }) {
  return (ctx, next) => {
    for (const [name, value] of fields) ctx.set(name, value);
    if (!end) return next();
    ctx.status = status;
  };
}

async function app(kind, policy, answer) {
  const app = new Koa();
  if (kind === 'peer' || kind === 'ours') app.use(await middleware(kind, policy));
  if (kind === 'static') app.use(staticMiddleware(answer));
  app.use((ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });
  return app;
}

export default {
  id: 'koa',
  title: 'Koa 3',
  peer: '@koa/cors',
  ours: '@cors/koa',
  inprocess: [
    { level: 'middleware', shape: 'koa', create: middleware },
    {
      level: 'app',
      shape: 'app',
      create: async (kind, policy, answer) => (await app(kind, policy, answer)).callback(),
    },
  ],
  async listen(kind, policy) {
    const server = (await app(kind, policy)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return server;
  },
};
