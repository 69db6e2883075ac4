/**
 * A route with CORS off, as a middleware (`corsOff`) and as a step (`handleCorsOff`): the core's
 * `cors-disabled` decision, preflights refused, other requests on to the route without CORS headers.
 */
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsDecision } from '@cors/core';
import { corsOff, handleCorsOff } from '../src/index.js';
import { close, corsHeaders, listen, send } from './http.js';

const APP = 'https://app.example.com';
const preflight = { origin: APP, 'access-control-request-method': 'PUT' };

describe('corsOff and handleCorsOff', () => {
  const seen: CorsDecision[] = [];
  let servers: Server[] = [];
  let middlewarePort = 0;
  let stepPort = 0;

  beforeAll(async () => {
    const app = express();
    // Mounted for the path: a preflight is an OPTIONS request, which a PUT route never sees.
    app.use('/off', corsOff({ onDecision: (decision) => seen.push(decision) }));
    app.put('/off', (_req, res) => {
      res.send('route');
    });
    const middleware = await listen(app);
    const step = await listen((req, res) => {
      if (handleCorsOff(req, res)) return;
      res.end('route');
    });
    servers = [middleware.server, step.server];
    middlewarePort = middleware.port;
    stepPort = step.port;
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => close(server)));
  });

  it('refuses a preflight with 403 and no CORS headers, telling onDecision', async () => {
    for (const port of [middlewarePort, stepPort]) {
      const reply = await send(port, 'OPTIONS', '/off', preflight);
      expect(reply.status).toBe(403);
      expect(corsHeaders(reply)).toEqual({});
    }
    expect(seen.at(-1)).toMatchObject({ kind: 'preflight', reason: 'cors-disabled' });
  });

  it('lets an actual request reach the route without CORS headers', async () => {
    for (const port of [middlewarePort, stepPort]) {
      const reply = await send(port, 'PUT', '/off', { origin: APP });
      expect(reply.body).toBe('route');
      expect(corsHeaders(reply)).toEqual({});
    }
  });
});
