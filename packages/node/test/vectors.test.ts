/**
 * The core's spec table, replayed over real HTTP through this adapter: every adapter must send
 * byte-identical CORS headers for the same request.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { describe } from 'vitest';
import { createCorsPolicy } from '@cors/core';
import { specPolicies } from '../../core/test/vectors.js';
import { cors, handleCors } from '../src/index.js';
import { listen, replaySpecVectors } from './http.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Each server answers `200 route` for every method and path, after CORS, with one spec policy. */
const servers: Record<string, (policyName: string, onRoute: () => void) => Listener> = {
  'node:http with handleCors': (policyName, onRoute) => {
    const policy = createCorsPolicy(specPolicies[policyName]!);
    return (req, res) => {
      if (handleCors(req, res, policy)) return;
      onRoute();
      res.end('route');
    };
  },
  'Express 4': (policyName, onRoute) => {
    const app = express4();
    app.use(cors(specPolicies[policyName]!));
    app.use((_req, res) => {
      onRoute();
      res.send('route');
    });
    return app;
  },
  'Express 5': (policyName, onRoute) => {
    const app = express5();
    app.use(cors(specPolicies[policyName]!));
    app.use((_req, res) => {
      onRoute();
      res.send('route');
    });
    return app;
  },
};

describe.each(Object.keys(servers))('spec vectors through %s', (serverName) => {
  replaySpecVectors((policyName, onRoute) =>
    listen(http.createServer(servers[serverName]!(policyName, onRoute))),
  );
});
