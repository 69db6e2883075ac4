/* global Response */
// Hono 4. Peer: `hono/cors`. Ours: `cors()` from @cors/hono. In-process only: each contender is
// the app's `fetch`, called with a Request, against the same app without CORS.
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { honoCorsOptions, loadOurs, oursOptions } from './options.js';

/** A middleware that sets `fields`, or answers with `status` and them when `end` (static). */
function staticMiddleware({ fields, end, status }) {
  return (c, next) => {
    if (end) return new Response(null, { status, headers: fields });
    for (const [name, value] of fields) c.header(name, value);
    return next();
  };
}

async function middleware(kind, policy, answer) {
  if (kind === 'peer') return honoCors(honoCorsOptions(policy));
  if (kind === 'ours') return (await loadOurs('@cors/hono', 'cors'))(oursOptions(policy));
  if (kind === 'static') return staticMiddleware(answer);
  return null;
}

export default {
  id: 'hono',
  title: 'Hono 4',
  peer: 'hono/cors',
  ours: '@cors/hono',
  inprocess: [
    {
      level: 'app',
      shape: 'fetch',
      async create(kind, policy, answer) {
        const app = new Hono();
        const cors = await middleware(kind, policy, answer);
        if (cors) app.use(cors);
        app.all('*', (c) => c.text('ok'));
        return (request) => app.fetch(request);
      },
    },
  ],
};
