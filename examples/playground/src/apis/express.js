/**
 * The playground API on Express 5: an `/api` router with `cors(...)` for the main policy, and a
 * `/strict` router with its own `cors(...)`. Each policy is mounted on its own paths: a preflight
 * is answered by the first CORS middleware that sees it, so an app-wide policy would answer the
 * preflights of /strict too.
 */
import express from 'express';
import { cors } from '@cors/node';
import {
  dangerousOptions,
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

const ID = 'express';

export default {
  name: 'Express 5',
  misconfigure: () => cors(dangerousOptions()),
  async start({ pageOrigin, log }) {
    // Under app.use('/api', ...), req.url is relative to the mount point; originalUrl is the request's.
    const onDecision = (decision, req) => log(decision, req.method, req.originalUrl ?? req.url);

    const app = express();
    app.disable('x-powered-by');

    const api = express.Router();
    api.use(cors({ ...mainPolicyOptions(pageOrigin), onDecision }));
    api.get('/hello', (_req, res) => {
      res.json({ adapter: ID, message: 'hello' });
    });
    api.post('/login', (_req, res) => {
      res.setHeader('set-cookie', sessionCookie(ID));
      res.status(204).end();
    });
    api.get('/me', (req, res) => {
      res.json({ session: readSession(req.headers.cookie) });
    });
    api.put('/items/42', express.json(), (req, res) => {
      res.json({ updated: true, custom: req.get('x-custom') ?? null });
    });
    api.get('/exposed', (_req, res) => {
      res.set({ 'X-Request-Id': requestId(), 'X-Hidden': 'secret' });
      res.json({ exposed: 'X-Request-Id' });
    });
    api.get('/boom', () => {
      throw new Error('boom');
    });
    app.use('/api', api);

    const strict = express.Router();
    strict.use(cors({ ...strictPolicyOptions(), onDecision }));
    strict.get('/hello', (_req, res) => {
      res.json({ adapter: ID, message: 'strict' });
    });
    app.use('/strict', strict);

    // Errors as JSON; the CORS headers set before the route stay on the answer.
    app.use((_error, _req, res, _next) => {
      res.status(500).json({ error: 'internal error' });
    });

    const server = await new Promise((resolve, reject) => {
      const listening = app.listen(0, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(listening),
      );
    });
    const { port } = server.address();
    return {
      url: `http://localhost:${port}`,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};
