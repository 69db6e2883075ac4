import type { Server } from 'node:http';
import connect from 'connect';
import { afterEach, describe, expect, it } from 'vitest';
import { cors } from '../src/index.js';
import { close, corsHeaders, listen, send } from './http.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
});

async function serve(app: connect.Server): Promise<number> {
  const { server, port } = await listen(app);
  servers.push(server);
  return port;
}

describe('Connect', () => {
  it('sets headers, answers preflights, and mounts per path', async () => {
    const app = connect();
    app.use('/api', cors({ origin: [APP], credentials: true }));
    app.use('/public', cors({ origin: '*' }));
    let routeCalls = 0;
    app.use((_req, res) => {
      routeCalls++;
      res.end('route');
    });
    const port = await serve(app);

    const api = await send(port, 'GET', '/api/x', { origin: APP });
    expect(api.body).toBe('route');
    expect(corsHeaders(api)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
    });
    const evil = await send(port, 'GET', '/api/x', { origin: EVIL });
    expect(corsHeaders(evil)).toEqual({});
    const open = await send(port, 'GET', '/public/x', { origin: EVIL });
    expect(corsHeaders(open)).toEqual({ 'access-control-allow-origin': '*' });
    expect(routeCalls).toBe(3);

    const preflight = await send(port, 'OPTIONS', '/api/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.body).toBe('');
    expect(routeCalls).toBe(3);
  });

  it("keeps CORS headers on Connect's own 404 and error answers", async () => {
    const app = connect();
    app.use(cors({ origin: [APP] }));
    app.use('/boom', () => {
      throw new Error('boom');
    });
    const port = await serve(app);
    const missing = await send(port, 'GET', '/nowhere', { origin: APP });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe(APP);
    const boom = await send(port, 'GET', '/boom', { origin: APP });
    expect(boom.status).toBe(500);
    expect(boom.headers['access-control-allow-origin']).toBe(APP);
  });

  it('passes a rejected async origin function to the error handler', async () => {
    const app = connect();
    app.use(cors({ origin: () => Promise.reject(new Error('down')) }));
    app.use((_req, res) => res.end('route'));
    app.use(
      (
        error: Error,
        _req: connect.IncomingMessage,
        res: import('node:http').ServerResponse,
        _next: connect.NextFunction,
      ) => {
        res.statusCode = 503;
        res.end(error.message);
      },
    );
    const port = await serve(app);
    const reply = await send(port, 'GET', '/', { origin: APP });
    expect(reply.status).toBe(503);
    expect(reply.body).toBe('down');
  });
});
