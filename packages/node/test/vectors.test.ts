/**
 * The core's spec table, replayed over real HTTP through this adapter: every adapter must send
 * byte-identical CORS headers for the same request.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createCorsPolicy } from '@cors/core';
import { specPolicies, specVectors } from '../../core/test/vectors.js';
import { cors, handleCors } from '../src/index.js';
import { close, expectVectorReply, listen, send, vectorHeaders } from './http.js';

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
  const ports = new Map<string, number>();
  const running: Server[] = [];
  let routeRuns = 0;

  beforeAll(async () => {
    for (const policyName of Object.keys(specPolicies)) {
      const listener = servers[serverName]!(policyName, () => routeRuns++);
      const { server, port } = await listen(http.createServer(listener));
      running.push(server);
      ports.set(policyName, port);
    }
  });
  afterAll(async () => {
    await Promise.all(running.map((server) => close(server)));
  });

  for (const vector of specVectors) {
    it(vector.name, async () => {
      const before = routeRuns;
      const reply = await send(
        ports.get(vector.policy)!,
        vector.request.method,
        '/spec',
        vectorHeaders(vector.request),
      );
      expectVectorReply(reply, vector.expect, routeRuns > before);
    });
  }
});
