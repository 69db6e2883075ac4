/**
 * CORS headers reach every response the page may need to read: errors, validation failures, 404s,
 * streams; and the preflight is answered before anything that would refuse it.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsPlugin, { type CorsHook } from '../src/index.js';
import { corsHeaders, listen, send, varyTokens } from './helpers.js';

const APP = 'https://app.example.com';
const EXPECTED = { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true' };

async function buildApp(hook?: CorsHook): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(corsPlugin, { origin: [APP], credentials: true, ...(hook ? { hook } : {}) });
  // An authentication hook registered after the plugin, as apps usually do.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/private') && request.headers.authorization === undefined) {
      await reply.code(401).send({ error: 'unauthorized' });
      return reply;
    }
  });
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  app.post(
    '/validated',
    {
      schema: {
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    },
    async (request) => request.body,
  );
  app.get('/stream', async (_request, reply) => {
    reply.type('text/plain');
    return reply.send(Readable.from(['a', 'b', 'c']));
  });
  app.put('/private/data', async () => 'secret');
  app.get('/private/data', async () => 'secret');
  app.get('/hijacked', (request, reply) => {
    reply.hijack();
    // A hijacked reply writes its own head: the headers set on `reply` are only there if copied.
    const copy = (request.query as { copy?: string }).copy !== undefined;
    reply.raw.writeHead(200, copy ? (reply.getHeaders() as OutgoingHttpHeaders) : {});
    reply.raw.end('raw');
  });
  return app;
}

describe.each([
  ['onRequest', undefined],
  ['preParsing', 'preParsing'],
  ['preValidation', 'preValidation'],
  ['preHandler', 'preHandler'],
] as const)('with hook %s', (_name, hook) => {
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = await buildApp(hook);
    base = await listen(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('keeps CORS headers and Vary on a thrown error (500)', async () => {
    const response = await send(base, 'GET', '/boom', { origin: APP });
    expect(response.status).toBe(500);
    expect(corsHeaders(response.headers)).toEqual(EXPECTED);
    expect(varyTokens(response.headers)).toContain('Origin');
  });

  it('keeps CORS headers on a 404', async () => {
    const response = await send(base, 'GET', '/missing', { origin: APP });
    expect(response.status).toBe(404);
    expect(corsHeaders(response.headers)).toEqual(EXPECTED);
  });

  it('keeps CORS headers on a streamed reply', async () => {
    const response = await send(base, 'GET', '/stream', { origin: APP });
    expect(response.status).toBe(200);
    expect(response.body).toBe('abc');
    expect(corsHeaders(response.headers)).toEqual(EXPECTED);
  });

  it('runs the body through parsing and validation as usual', async () => {
    const response = await send(
      base,
      'POST',
      '/validated',
      { origin: APP, 'content-type': 'application/json' },
      '{"name":"x"}',
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ name: 'x' });
    expect(corsHeaders(response.headers)).toEqual(EXPECTED);
  });

  if (hook === 'preHandler') {
    it('cannot put CORS headers on a 400 from validation, which happens before preHandler', async () => {
      const response = await send(
        base,
        'POST',
        '/validated',
        { origin: APP, 'content-type': 'application/json' },
        '{}',
      );
      expect(response.status).toBe(400);
      expect(corsHeaders(response.headers)).toEqual({});
    });
  } else {
    it('keeps CORS headers on a 400 from schema validation', async () => {
      const response = await send(
        base,
        'POST',
        '/validated',
        { origin: APP, 'content-type': 'application/json' },
        '{}',
      );
      expect(response.status).toBe(400);
      expect(corsHeaders(response.headers)).toEqual(EXPECTED);
    });
  }

  if (hook === undefined) {
    it('answers a preflight before an authentication hook can refuse it', async () => {
      const response = await send(base, 'OPTIONS', '/private/data', {
        origin: APP,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization',
      });
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-headers']).toBe('authorization');
    });

    it('keeps CORS headers on a 401 from an authentication hook, so the page can read it', async () => {
      const response = await send(base, 'GET', '/private/data', { origin: APP });
      expect(response.status).toBe(401);
      expect(corsHeaders(response.headers)).toEqual(EXPECTED);
    });
  } else {
    it('lets an earlier onRequest hook refuse a preflight (the reason to keep onRequest)', async () => {
      const response = await send(base, 'OPTIONS', '/private/data', {
        origin: APP,
        'access-control-request-method': 'PUT',
      });
      expect(response.status).toBe(401);
      expect(corsHeaders(response.headers)).toEqual({});
    });
  }

  it('puts CORS headers on a hijacked reply only when the handler copies them', async () => {
    const plain = await send(base, 'GET', '/hijacked', { origin: APP });
    expect(plain.body).toBe('raw');
    expect(corsHeaders(plain.headers)).toEqual({});
    const copied = await send(base, 'GET', '/hijacked?copy=1', { origin: APP });
    expect(corsHeaders(copied.headers)).toEqual(EXPECTED);
  });

  it('answers preflights on every path', async () => {
    const response = await send(base, 'OPTIONS', '/stream', {
      origin: APP,
      'access-control-request-method': 'GET',
    });
    expect(response.status).toBe(204);
    expect(corsHeaders(response.headers)).toEqual({
      ...EXPECTED,
      'access-control-allow-methods': 'GET',
    });
  });
});

describe('what Fastify answers without running hooks', () => {
  it('sends its 400 for a malformed URL without CORS headers (documented)', async () => {
    const app = await buildApp();
    try {
      app.get('/files/:name', async () => 'file');
      const response = await app.inject({ url: '/files/%c0', headers: { origin: APP } });
      expect(response.statusCode).toBe(400);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('Vary', () => {
  it('merges with a Vary set before the plugin and one set by the handler through appendVary', async () => {
    const app = Fastify();
    try {
      app.addHook('onRequest', async (_request, reply) => {
        reply.header('vary', 'Accept-Encoding');
      });
      await app.register(corsPlugin, { origin: [APP] });
      app.get('/x', async () => 'x');
      const base = await listen(app);
      const response = await send(base, 'GET', '/x', { origin: APP });
      expect(response.headers.vary).toBe('Accept-Encoding, Origin');
      const preflight = await send(base, 'OPTIONS', '/x', {
        origin: APP,
        'access-control-request-method': 'GET',
      });
      expect(preflight.headers.vary).toBe(
        'Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      );
    } finally {
      await app.close();
    }
  });
});

describe('async decisions', () => {
  let app: FastifyInstance;
  const handled: unknown[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      handled.push(error);
      void reply.code(500).send({ handled: (error as Error).message });
    });
    await app.register(corsPlugin, {
      origin: async (origin: string) => {
        if (origin === 'https://fails.example.com') throw new Error('origin lookup failed');
        return origin === APP;
      },
    });
    app.get('/x', async () => 'x');
  });

  afterAll(async () => {
    await app.close();
  });

  it('awaits an async origin function', async () => {
    const allowed = await app.inject({ url: '/x', headers: { origin: APP } });
    expect(allowed.headers['access-control-allow-origin']).toBe(APP);
    const refused = await app.inject({
      url: '/x',
      headers: { origin: 'https://other.example.com' },
    });
    expect(refused.statusCode).toBe(200);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/x',
      headers: { origin: APP, 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
  });

  it("sends a rejected origin function to Fastify's error handler, not to an unhandled rejection", async () => {
    const response = await app.inject({
      url: '/x',
      headers: { origin: 'https://fails.example.com' },
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ handled: 'origin lookup failed' });
    expect(handled).toHaveLength(1);
  });

  it('sends a synchronous throw of an origin function to the error handler', async () => {
    const sync = Fastify();
    try {
      await sync.register(corsPlugin, {
        origin: () => {
          throw new Error('sync failure');
        },
      });
      sync.get('/x', async () => 'x');
      const response = await sync.inject({ url: '/x', headers: { origin: APP } });
      expect(response.statusCode).toBe(500);
      expect(response.json().message).toBe('sync failure');
    } finally {
      await sync.close();
    }
  });
});

describe('onDecision', () => {
  it('is called once per request, also when a 404 runs the preHandler hooks again', async () => {
    for (const hook of ['onRequest', 'preHandler'] as const) {
      const seen: string[] = [];
      const app = Fastify();
      try {
        await app.register(corsPlugin, {
          origin: [APP],
          hook,
          onDecision: (decision, request) =>
            seen.push(`${request.method} ${decision.kind} ${decision.reason}`),
        });
        app.get('/x', async () => 'x');
        await app.inject({ url: '/x', headers: { origin: APP } });
        await app.inject({ method: 'OPTIONS', url: '/nowhere', headers: { origin: APP } });
        await app.inject({
          method: 'OPTIONS',
          url: '/x',
          headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
        });
        expect(seen, hook).toEqual([
          'GET actual allowed',
          'OPTIONS actual allowed',
          'OPTIONS preflight origin-not-allowed',
        ]);
      } finally {
        await app.close();
      }
    }
  });

  it("sends an error thrown by onDecision to Fastify's error handler", async () => {
    const app = Fastify();
    try {
      await app.register(corsPlugin, {
        origin: [APP],
        onDecision: () => {
          throw new Error('metrics down');
        },
      });
      app.get('/x', async () => 'x');
      const response = await app.inject({ url: '/x', headers: { origin: APP } });
      expect(response.statusCode).toBe(500);
      expect(response.json().message).toBe('metrics down');
    } finally {
      await app.close();
    }
  });
});

describe('the Origin header as sent', () => {
  it('refuses two Origin lines as malformed instead of trusting the first', async () => {
    const app = Fastify();
    try {
      const reasons: string[] = [];
      await app.register(corsPlugin, {
        origin: [APP],
        onDecision: (decision) => reasons.push(decision.reason),
      });
      app.get('/x', async () => 'x');
      const base = await listen(app);
      const response = await send(base, 'GET', '/x', [
        ['origin', APP],
        ['origin', 'https://evil.example'],
      ]);
      expect(response.status).toBe(200);
      expect(corsHeaders(response.headers)).toEqual({});
      const preflight = await send(base, 'OPTIONS', '/x', [
        ['origin', APP],
        ['Origin', APP],
        ['access-control-request-method', 'GET'],
      ]);
      expect(preflight.status).toBe(403);
      expect(reasons).toEqual(['origin-malformed', 'origin-malformed']);
    } finally {
      await app.close();
    }
  });
});

describe('the OPTIONS catch-all route', () => {
  it('is hidden from documentation and takes the given log level', async () => {
    const seen: { url: string; hide: unknown; logLevel: unknown }[] = [];
    const app = Fastify();
    try {
      await app.register(
        fp(async (instance) => {
          instance.addHook('onRoute', (route) => {
            if (route.method === 'OPTIONS') {
              seen.push({
                url: route.url,
                hide: (route.schema as { hide?: unknown } | undefined)?.hide,
                logLevel: route.logLevel,
              });
            }
          });
        }),
      );
      app.register(
        async (quiet) => {
          await quiet.register(corsPlugin, { origin: [APP], logLevel: 'silent' });
        },
        { prefix: '/quiet' },
      );
      app.register(
        async (api) => {
          await api.register(corsPlugin, { origin: [APP], hideOptionsRoute: false });
        },
        { prefix: '/api' },
      );
      await app.ready();
    } finally {
      await app.close();
    }
    expect(seen).toEqual([
      { url: '/quiet/*', hide: true, logLevel: 'silent' },
      { url: '/quiet', hide: true, logLevel: 'silent' },
      { url: '/api/*', hide: false, logLevel: '' },
      { url: '/api', hide: false, logLevel: '' },
    ]);
  });
});
