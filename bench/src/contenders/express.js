// Express 5. Peer: `cors`. Ours: `cors()` from @cors/node. The middleware alone is the node:http
// row's (the same (req, res, next) functions); in-process, Express has the whole-app row.
import express from 'express';
import corsPackage from 'cors';
import { corsOptions, loadOurs, oursOptions } from './options.js';

/** A middleware that sets `fields`, and ends with `status` when `end` (the static contender). */
function staticMiddleware({ fields, end, status }) {
  return (_req, res, next) => {
    for (const [name, value] of fields) res.setHeader(name, value);
    if (!end) return next();
    res.statusCode = status;
    res.end();
  };
}

async function app(kind, policy, answer) {
  const app = express();
  if (kind === 'peer') app.use(corsPackage(corsOptions(policy)));
  if (kind === 'ours') {
    const cors = await loadOurs('@cors/node', 'cors');
    app.use(cors(oursOptions(policy)));
  }
  if (kind === 'static') app.use(staticMiddleware(answer));
  app.all('/', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  return app;
}

export default {
  id: 'express',
  title: 'Express 5',
  peer: 'cors',
  ours: '@cors/node',
  inprocess: [
    {
      level: 'app',
      shape: 'app',
      async create(kind, policy, answer) {
        const instance = await app(kind, policy, answer);
        return (req, res) => instance(req, res);
      },
    },
  ],
  async listen(kind, policy) {
    const instance = await app(kind, policy);
    return new Promise((resolve, reject) => {
      const server = instance.listen(0, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(server),
      );
    });
  },
};
