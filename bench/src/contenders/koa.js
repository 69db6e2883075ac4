// Koa 3. Peer: `@koa/cors` (origin as a function, see ./options.js). Ours: `cors()` from @cors/koa.
import Koa from 'koa';
import koaCors from '@koa/cors';
import { koaCorsOptions, loadOurs, oursOptions } from './options.js';

async function middleware(kind, policy) {
  if (kind === 'peer') return koaCors(koaCorsOptions(policy));
  const cors = await loadOurs('@cors/koa', 'cors');
  return cors(oursOptions(policy));
}

export default {
  id: 'koa',
  title: 'Koa 3',
  peer: '@koa/cors',
  ours: '@cors/koa',
  inprocess: { shape: 'koa', create: middleware },
  async listen(kind, policy) {
    const app = new Koa();
    if (kind !== 'bare') app.use(await middleware(kind, policy));
    app.use((ctx) => {
      ctx.type = 'text/plain';
      ctx.body = 'ok';
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return server;
  },
};
