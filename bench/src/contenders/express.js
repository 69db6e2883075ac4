// Express 5. Peer: `cors`. Ours: `cors()` from @cors/node. In-process, both are the same
// (req, res, next) functions as in the node:http row, so Express has no in-process row of its own.
import express from 'express';
import corsPackage from 'cors';
import { corsOptions, loadOurs, oursOptions } from './options.js';

export default {
  id: 'express',
  title: 'Express 5',
  peer: 'cors',
  ours: '@cors/node',
  inprocess: { sameAs: 'node' },
  async listen(kind, policy) {
    const app = express();
    if (kind === 'peer') app.use(corsPackage(corsOptions(policy)));
    if (kind === 'ours') {
      const cors = await loadOurs('@cors/node', 'cors');
      app.use(cors(oursOptions(policy)));
    }
    app.all('/', (_req, res) => {
      res.type('text/plain').send('ok');
    });
    return new Promise((resolve, reject) => {
      const server = app.listen(0, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(server),
      );
    });
  },
};
