/**
 * Why a request was refused, in the server's own logs: `onDecision` hands over the decision and the
 * request, and the core's `explainCorsDecision` turns the same request into the step that refused
 * it (the trace `cors-doctor explain` prints). The pattern of docs/troubleshooting.md, on Express.
 */
import type { IncomingMessage, Server } from 'node:http';
import express from 'express';
import {
  corsRequestFromHeaderRecord,
  createCorsPolicy,
  explainCorsDecision,
  type CorsDecision,
  type CorsExplanation,
} from '@cors/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cors } from '../src/index.js';
import { close, listen, send } from './http.js';

const APP = 'https://app.example.com';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
});

describe('explaining a refusal from onDecision', () => {
  it("logs the step that refused a preflight, and its decision is the middleware's", async () => {
    const policy = createCorsPolicy({ origin: [APP], allowedHeaders: ['Content-Type'] });
    const logged: { decision: CorsDecision; explanation: CorsExplanation }[] = [];
    const app = express();
    app.use(
      cors(policy, {
        onDecision(decision, req: IncomingMessage) {
          if (decision.allowed) return;
          const request = corsRequestFromHeaderRecord(req.method ?? '', req.headers);
          const explanation = explainCorsDecision(policy, request) as CorsExplanation;
          logged.push({ decision, explanation });
        },
      }),
    );
    app.put('/api/items', (_req, res) => res.end());
    const { server, port } = await listen(app);
    servers.push(server);

    const reply = await send(port, 'OPTIONS', '/api/items', {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-secret',
    });

    expect(reply.status).toBe(204);
    expect(logged).toHaveLength(1);
    const [{ decision, explanation }] = logged as [(typeof logged)[number]];
    expect(explanation.decision).toEqual(decision);
    const refused = explanation.trace.find((step) => step.step === 'headers');
    expect(refused).toMatchObject({
      outcome: 'header-not-allowed',
      spec: expect.stringMatching(/^Fetch/),
    });
    expect(refused?.detail).toContain('x-secret');
  });
});
