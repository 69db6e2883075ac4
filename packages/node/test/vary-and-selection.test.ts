import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import connect from 'connect';
import express5, { type Express } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ERR_CORS_SELECTOR_RESULT,
  corsDisabledDecision,
  corsRequestFromHeaderRecord,
  createCorsPolicy,
  type CorsDecision,
} from '@cors/core';
import { applyCorsDecision, cors, handleCors } from '../src/index.js';
import { close, corsHeaders, listen, send, varyTokens } from './http.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';
const TENANT_A = 'https://app.a.example';
const TENANT_B = 'https://app.b.example';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
});

async function serve(listener: Server | http.RequestListener): Promise<number> {
  const { server, port } = await listen(listener);
  servers.push(server);
  return port;
}

const policy = createCorsPolicy({ origin: [APP] });

/** Ways a node:http route sets Vary after CORS ran. */
const nodeRoutes: [string, (res: ServerResponse) => void][] = [
  ['setHeader overwrites', (res) => res.setHeader('Vary', 'Accept-Encoding')],
  ['setHeader with a list', (res) => res.setHeader('Vary', ['Accept-Encoding', 'origin'])],
  ['writeHead with headers', (res) => void res.writeHead(200, { vary: 'Accept-Encoding' })],
  ['removeHeader', (res) => res.removeHeader('vary')],
];

describe('Vary survives the route on node:http', () => {
  it.each(nodeRoutes)(
    'keeps Origin when the route sets Vary (%s), allowed and refused alike',
    async (_how, route) => {
      const port = await serve((req, res) => {
        if (handleCors(req, res, policy)) return;
        route(res);
        res.end('ok');
      });
      for (const origin of [APP, EVIL]) {
        const reply = await send(port, 'GET', '/', { origin });
        const tokens = varyTokens(reply);
        expect(tokens.filter((token) => token === 'origin')).toEqual(['origin']);
        if (_how !== 'removeHeader') expect(tokens).toContain('accept-encoding');
      }
    },
  );
});

const expressRoutes: [string, (res: import('express').Response) => void][] = [
  ['res.set', (res) => void res.set('Vary', 'Accept-Encoding')],
  ['res.setHeader', (res) => res.setHeader('Vary', 'Accept-Encoding')],
  ['res.vary', (res) => void res.vary('Accept-Encoding')],
  ['res.append', (res) => void res.append('Vary', 'Accept-Encoding')],
  [
    'res.header overwrites with Origin too',
    (res) => void res.header('Vary', 'origin, Accept-Encoding'),
  ],
];

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
] as const)('Vary survives the route on %s', (_name, express) => {
  it.each(expressRoutes)(
    'merges the CORS tokens with what %s wrote, each once',
    async (_how, route) => {
      const app: Express = express();
      app.use(cors(policy));
      app.get('/', (_req, res) => {
        route(res);
        res.send('ok');
      });
      const port = await serve(app);
      for (const origin of [APP, EVIL]) {
        const tokens = varyTokens(await send(port, 'GET', '/', { origin }));
        expect(tokens.sort()).toEqual(['accept-encoding', 'origin']);
      }
    },
  );
});

describe('Vary survives the route on Connect', () => {
  it('merges Origin back after the route overwrote Vary', async () => {
    const app = connect();
    app.use(cors(policy));
    app.use((_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Vary', 'Accept-Encoding');
      res.end('ok');
    });
    const port = await serve(app);
    expect(varyTokens(await send(port, 'GET', '/', { origin: EVIL }))).toEqual([
      'accept-encoding',
      'origin',
    ]);
  });
});

describe('per-request policy selection', () => {
  const byHost = new Map([
    ['a.example', createCorsPolicy({ origin: [TENANT_A] })],
    ['b.example', createCorsPolicy({ origin: [TENANT_B] })],
  ]);
  const fallback = createCorsPolicy({ origin: [APP] });
  const select = (req: IncomingMessage) => byHost.get(req.headers.host ?? '') ?? fallback;

  it.each([
    ['Express 4', () => express4()],
    ['Express 5', () => express5()],
    ['Connect', () => connect()],
  ] as const)(
    'grants each tenant its own origins, preflights included, on %s',
    async (_name, make) => {
      const app = make() as unknown as connect.Server;
      app.use(cors(select));
      app.use((_req: IncomingMessage, res: ServerResponse) => res.end('ok'));
      const port = await serve(app);
      const asA = await send(port, 'OPTIONS', '/x', {
        host: 'a.example',
        origin: TENANT_A,
        'access-control-request-method': 'PUT',
      });
      expect(asA.status).toBe(204);
      expect(corsHeaders(asA)['access-control-allow-origin']).toBe(TENANT_A);
      const bFromA = await send(port, 'OPTIONS', '/x', {
        host: 'b.example',
        origin: TENANT_A,
        'access-control-request-method': 'PUT',
      });
      expect(bFromA.status).toBe(403);
      expect(corsHeaders(bFromA)).toEqual({});
      const actual = await send(port, 'GET', '/x', { host: 'b.example', origin: TENANT_B });
      expect(corsHeaders(actual)['access-control-allow-origin']).toBe(TENANT_B);
    },
  );

  it('refuses options returned by a selector with a 500, never compiling per request', async () => {
    const errors: unknown[] = [];
    const app = express5();
    app.use(cors(() => ({ origin: '*' }) as never));
    app.use((error: unknown, _req: unknown, res: import('express').Response, _next: unknown) => {
      errors.push(error);
      res.status(500).end();
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/', { origin: APP });
    expect(reply.status).toBe(500);
    expect(corsHeaders(reply)).toEqual({});
    expect(errors).toEqual([expect.objectContaining({ code: ERR_CORS_SELECTOR_RESULT })]);
  });

  it('selects per request in handleCors too, and answers 500 without next when it fails', async () => {
    const port = await serve((req, res) => {
      if (handleCors(req, res, select)) return;
      res.end('ok');
    });
    const reply = await send(port, 'GET', '/', { host: 'a.example', origin: TENANT_A });
    expect(corsHeaders(reply)['access-control-allow-origin']).toBe(TENANT_A);
    const failing = await serve((req, res) => {
      const middleware = cors(() => undefined as never);
      middleware(req, res);
    });
    expect((await send(failing, 'GET', '/', { origin: APP })).status).toBe(500);
  });
});

describe('applyCorsDecision', () => {
  it("answers a preflight to a CORS-off route with the core's cors-disabled decision", async () => {
    const seen: CorsDecision[] = [];
    const port = await serve((req, res) => {
      const decision = corsDisabledDecision(
        corsRequestFromHeaderRecord(req.method ?? '', req.headers),
      );
      if (applyCorsDecision(req, res, decision, (d) => seen.push(d))) return;
      res.end('route');
    });
    const preflight = await send(port, 'OPTIONS', '/', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect([preflight.status, preflight.headers['content-length'], preflight.body]).toEqual([
      403,
      '0',
      '',
    ]);
    expect(corsHeaders(preflight)).toEqual({});
    expect(varyTokens(preflight)).toEqual([
      'origin',
      'access-control-request-method',
      'access-control-request-headers',
    ]);
    const actual = await send(port, 'GET', '/', { origin: APP });
    expect([actual.body, actual.headers.vary, corsHeaders(actual)]).toEqual([
      'route',
      undefined,
      {},
    ]);
    expect(seen.map((d) => d.reason)).toEqual(['cors-disabled', 'cors-disabled']);
  });
});
