import http from 'node:http';
import { createCorsPolicy } from '@cors/core';
import { corsOff, handleCors } from '@cors/node';
import { cookieValue, countRequests, listen, running } from './server.js';
import { DEFAULT_STRICT, tenantPolicy, type AdapterApp } from './types.js';

/** A bare node:http server with handleCors and hand-written routing. */
export const nodeHttpApp: AdapterApp = {
  name: 'node-http',
  async start({ policy: options, strict = DEFAULT_STRICT }) {
    const policy = createCorsPolicy(options);
    const strictPolicy = createCorsPolicy(strict);
    const tenant = tenantPolicy();
    const off = corsOff();
    const server = http.createServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0] as string;
      const json = (status: number, body: unknown) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      try {
        if (path === '/off') {
          let ended = true;
          off(req, res, () => (ended = false));
          if (ended) return;
          return void res.end('off');
        }
        const chosen =
          path === '/tenant'
            ? (r: typeof req) => tenant(r.headers.host)
            : path.startsWith('/strict/')
              ? strictPolicy
              : policy;
        if (await handleCors(req, res, chosen)) return;
      } catch {
        res.statusCode = 500;
        res.end();
        return;
      }
      const route = `${req.method} ${path}`;
      if (path === '/vector') return void res.end('route');
      if (path === '/tenant') return void res.end('tenant');
      if (path === '/vary') {
        res.setHeader('Vary', 'Accept-Encoding');
        return void res.end('vary');
      }
      switch (route) {
        case 'GET /api/hello':
        case 'GET /strict/hello':
        case 'PUT /strict/hello':
          return json(200, { adapter: 'node-http', message: 'hello' });
        case 'POST /api/login':
          res.statusCode = 204;
          res.setHeader('set-cookie', 'session=node-http; Path=/; SameSite=Lax');
          return void res.end();
        case 'GET /api/me':
          return json(200, { session: cookieValue(req.headers.cookie, 'session') });
        case 'PUT /api/items/42':
        case 'DELETE /api/items/42':
          return json(200, { method: req.method, custom: req.headers['x-custom'] ?? null });
        case 'GET /api/exposed':
          res.setHeader('x-request-id', '42');
          res.setHeader('x-hidden', 'secret');
          return json(200, { ok: true });
        case 'GET /api/boom':
        case 'GET /strict/boom':
          return json(500, { error: 'boom' });
        default:
          return json(404, { error: 'not found' });
      }
    });
    const requests = countRequests(server);
    const port = await listen(server);
    return running(server, port, requests);
  },
};
