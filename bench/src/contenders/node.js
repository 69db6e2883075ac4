// node:http. Peer: the `cors` package used as (req, res, next). Ours: `handleCors` from @cors/node
// in the server (its API for custom servers), and its `cors()` middleware in the middleware row
// (the same code path, in the (req, res, next) shape every node-style contender shares).
import http from 'node:http';
import corsPackage from 'cors';
import { createCorsPolicy } from '@cors/core';
import { corsOptions, loadOurs, oursOptions } from './options.js';

function route(_req, res) {
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
}

/** The server's request handler: bare, peer, ours, or `answer` set with no checks (static). */
async function handler(kind, policy, answer) {
  if (kind === 'bare') return route;
  if (kind === 'peer') {
    const middleware = corsPackage(corsOptions(policy));
    return (req, res) => middleware(req, res, () => route(req, res));
  }
  if (kind === 'static') {
    const { fields, end, status } = answer;
    return (req, res) => {
      for (const [name, value] of fields) res.setHeader(name, value);
      if (!end) return route(req, res);
      res.statusCode = status;
      res.end();
    };
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
  inprocess: [
    {
      level: 'middleware',
      shape: 'node',
      async create(kind, policy) {
        if (kind === 'peer') return corsPackage(corsOptions(policy));
        const cors = await loadOurs('@cors/node', 'cors');
        return cors(oursOptions(policy));
      },
    },
    { level: 'app', shape: 'app', create: handler },
  ],
  async listen(kind, policy) {
    const server = http.createServer(await handler(kind, policy));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  },
};
