// node:http. Peer: the `cors` package used as (req, res, next). Ours: `handleCors` from @cors/node
// over HTTP (its API for custom servers), and its `cors()` middleware in-process (the same code
// path, in the (req, res, next) shape every node-style contender shares).
import http from 'node:http';
import corsPackage from 'cors';
import { createCorsPolicy } from '@cors/core';
import { corsOptions, loadOurs, oursOptions } from './options.js';

function route(_req, res) {
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
}

async function handler(kind, policy) {
  if (kind === 'bare') return route;
  if (kind === 'peer') {
    const middleware = corsPackage(corsOptions(policy));
    return (req, res) => middleware(req, res, () => route(req, res));
  }
  const handleCors = await loadOurs('@cors/node', 'handleCors');
  const compiled = createCorsPolicy(oursOptions(policy));
  return (req, res) => {
    if (!handleCors(req, res, compiled)) route(req, res);
  };
}

export default {
  id: 'node',
  title: 'node:http',
  peer: 'cors',
  ours: '@cors/node',
  inprocess: {
    shape: 'node',
    async create(kind, policy) {
      if (kind === 'peer') return corsPackage(corsOptions(policy));
      const cors = await loadOurs('@cors/node', 'cors');
      return cors(oursOptions(policy));
    },
  },
  async listen(kind, policy) {
    const server = http.createServer(await handler(kind, policy));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  },
};
