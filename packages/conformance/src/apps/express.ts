import type { Server } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { cors, corsOff } from '@cors/node';
import { cookieValue, countRequests, listen, running } from './server.js';
import { BoomError, DEFAULT_STRICT, tenantPolicy, type AdapterApp } from './types.js';

type Express = typeof express5;

function expressApp(name: string, express: Express): AdapterApp {
  return {
    name,
    async start({ policy, strict = DEFAULT_STRICT }) {
      const app = express();
      // Per-router policy: the stricter router is mounted first and owns /strict, preflights included.
      const strictRouter = express.Router();
      strictRouter.use(cors(strict));
      strictRouter.get('/hello', (_req, res) => void res.json({ adapter: name, message: 'hello' }));
      strictRouter.put('/hello', (_req, res) => void res.json({ adapter: name, message: 'hello' }));
      strictRouter.get('/boom', () => {
        throw new BoomError();
      });
      // The scope's own 404: a request under /strict must not fall through to the app-wide policy.
      strictRouter.use((_req, res) => void res.status(404).json({ error: 'not found' }));
      app.use('/strict', strictRouter);

      // CORS off, and a policy chosen per request: both before the app-wide cors().
      app.put('/off', corsOff(), (_req, res) => void res.send('off'));
      app.options('/off', corsOff());
      const tenant = tenantPolicy();
      app.use(
        '/tenant',
        cors((req) => tenant(req.headers.host)),
      );
      app.all('/tenant', (_req, res) => void res.send('tenant'));

      app.use(cors(policy));
      app.all('/vector', (_req, res) => void res.send('route'));
      app.get('/vary', (_req, res) => void res.set('Vary', 'Accept-Encoding').send('vary'));
      app.get('/api/hello', (_req, res) => void res.json({ adapter: name, message: 'hello' }));
      app.post('/api/login', (_req, res) => {
        res.setHeader('set-cookie', `session=${name}; Path=/; SameSite=Lax`);
        res.status(204).end();
      });
      app.get(
        '/api/me',
        (req, res) => void res.json({ session: cookieValue(req.headers.cookie, 'session') }),
      );
      const item = (req: express5.Request, res: express5.Response) =>
        void res.json({ method: req.method, custom: req.headers['x-custom'] ?? null });
      app.put('/api/items/42', item);
      app.delete('/api/items/42', item);
      app.get('/api/exposed', (_req, res) => {
        res.setHeader('x-request-id', '42');
        res.setHeader('x-hidden', 'secret');
        res.json({ ok: true });
      });
      app.get('/api/boom', () => {
        throw new BoomError();
      });
      const server: Server = (await import('node:http')).createServer(app);
      const requests = countRequests(server);
      const port = await listen(server);
      return running(server, port, requests);
    },
  };
}

export const express5App = expressApp('express5', express5);
export const express4App = expressApp('express4', express4 as unknown as Express);
