/**
 * The playground API on a bare `http.createServer`, with `handleCors` and two policies: the main
 * one, and the /strict one that the page's origin is not in.
 */
import http from 'node:http';
import { createCorsPolicy } from '@cors/core';
import { handleCors } from '@cors/node';
import {
  dangerousOptions,
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

const ID = 'node-http';

function json(res, status, body) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Reads (and discards) a request body, so that the connection stays usable. */
function drain(req) {
  return new Promise((resolve, reject) => {
    req.on('data', () => {});
    req.on('end', resolve);
    req.on('error', reject);
  });
}

export default {
  name: 'node:http',
  misconfigure: () => createCorsPolicy(dangerousOptions()),
  async start({ pageOrigin, log }) {
    // Policies are compiled once; each request is only a decision.
    const mainPolicy = createCorsPolicy(mainPolicyOptions(pageOrigin));
    const strictPolicy = createCorsPolicy(strictPolicyOptions());
    const onDecision = (decision, req) => log(decision, req.method, req.url);

    const server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const policy = path.startsWith('/strict/') ? strictPolicy : mainPolicy;
      // Both policies are synchronous (no async origin function), so handleCors returns a boolean.
      if (handleCors(req, res, policy, { onDecision })) return;
      respond(req, res, `${req.method} ${path}`).catch(() => {
        if (res.headersSent) res.destroy();
        else json(res, 500, { error: 'internal error' });
      });
    });

    async function respond(req, res, route) {
      if (route === 'GET /api/hello' || route === 'HEAD /api/hello') {
        return json(res, 200, { adapter: ID, message: 'hello' });
      }
      if (route === 'POST /api/login') {
        await drain(req);
        res.statusCode = 204;
        res.setHeader('set-cookie', sessionCookie(ID));
        return res.end();
      }
      if (route === 'GET /api/me')
        return json(res, 200, { session: readSession(req.headers.cookie) });
      if (route === 'PUT /api/items/42') {
        await drain(req);
        return json(res, 200, { updated: true, custom: req.headers['x-custom'] ?? null });
      }
      if (route === 'GET /api/exposed') {
        res.setHeader('x-request-id', requestId());
        res.setHeader('x-hidden', 'secret');
        return json(res, 200, { exposed: 'X-Request-Id' });
      }
      if (route === 'GET /api/boom') throw new Error('boom');
      if (route === 'GET /strict/hello') return json(res, 200, { adapter: ID, message: 'strict' });
      return json(res, 404, { error: 'not found' });
    }

    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    return {
      url: `http://localhost:${port}`,
      close: () =>
        new Promise((resolve) => {
          // The page's fetches keep connections alive; closing must not wait on them.
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
