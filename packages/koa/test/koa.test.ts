import { describe, expect, it } from 'vitest';
import { createCorsPolicy, isCorsConfigError, type CorsDecision } from '@cors/core';
import { cors, type KoaCorsOptions } from '../src/index.js';
import { corsHeaders, send, varyTokens } from './http.js';
import { koaVersions, newApp, withServer } from './versions.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

describe.each(koaVersions)('cors() on $name', ({ Koa }) => {
  /** An app with `cors(options)` in front of a route that answers `200 route` and counts its runs. */
  function appWith(options: KoaCorsOptions) {
    const app = newApp(Koa);
    const runs = { count: 0 };
    app.use(cors(options));
    app.use((ctx) => {
      runs.count++;
      ctx.body = 'route';
    });
    return { app, runs };
  }

  it('is a named middleware that returns a promise on every path, preflights included', async () => {
    const middleware = cors({ origin: [APP] });
    expect(middleware.name).toBe('cors');
    const seen: unknown[] = [];
    const app = newApp(Koa);
    app.use(async (ctx, next) => {
      seen.push(middleware(ctx, next));
      await seen.at(-1);
    });
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    await withServer(app, async (port) => {
      await send(port, 'GET', '/', { origin: APP });
      await send(port, 'OPTIONS', '/', { origin: APP, 'access-control-request-method': 'PUT' });
      await send(port, 'GET', '/');
    });
    expect(seen).toHaveLength(3);
    for (const result of seen) expect(result).toBeInstanceOf(Promise);
  });

  it('sets the CORS headers and Vary on an allowed request and runs the route', async () => {
    const { app, runs } = appWith({
      origin: [APP],
      credentials: true,
      exposedHeaders: ['X-Request-Id'],
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('route');
      expect(corsHeaders(reply)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        // The core lower-cases header names once, at start-up.
        'access-control-expose-headers': 'x-request-id',
      });
      expect(reply.headers.vary).toBe('Origin');
      expect(runs.count).toBe(1);
    });
  });

  it('does not reflect an arbitrary Origin when credentials are on', async () => {
    const { app, runs } = appWith({ origin: [APP], credentials: true });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: EVIL });
      expect(corsHeaders(reply)).toEqual({});
      expect(varyTokens(reply)).toEqual(['origin']);
      // Not a CORS refusal of the request itself: the browser hides the response from the page.
      expect(runs.count).toBe(1);
    });
  });

  it('answers a preflight itself: decision status, Content-Length 0, empty body, route not run', async () => {
    const { app, runs } = appWith({ origin: [APP], optionsSuccessStatus: 200, maxAge: 600 });
    await withServer(app, async (port) => {
      const reply = await send(port, 'OPTIONS', '/items/42', {
        origin: APP,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'x-custom',
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
      expect(reply.headers['content-length']).toBe('0');
      expect(reply.headers['content-type']).toBeUndefined();
      expect(corsHeaders(reply)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'x-custom',
        'access-control-max-age': '600',
      });
      expect(varyTokens(reply)).toEqual([
        'origin',
        'access-control-request-method',
        'access-control-request-headers',
      ]);
      expect(runs.count).toBe(0);
    });
  });

  it('answers a preflight with 204 and no body by default (Koa sends no Content-Length on a 204)', async () => {
    const { app, runs } = appWith({ origin: [APP] });
    await withServer(app, async (port) => {
      const reply = await send(port, 'OPTIONS', '/', {
        origin: APP,
        'access-control-request-method': 'PUT',
      });
      expect(reply.status).toBe(204);
      expect(reply.body).toBe('');
      // RFC 9110 §8.6: a 204 never carries Content-Length; Koa strips it, and no body follows anyway.
      expect(reply.headers['content-length']).toBeUndefined();
      expect(reply.headers['transfer-encoding']).toBeUndefined();
      expect(runs.count).toBe(0);
    });
  });

  it('refuses a preflight from a disallowed origin with 403, Content-Length 0 and no CORS headers', async () => {
    const { app, runs } = appWith({ origin: [APP] });
    await withServer(app, async (port) => {
      const reply = await send(port, 'OPTIONS', '/', {
        origin: EVIL,
        'access-control-request-method': 'PUT',
      });
      expect(reply.status).toBe(403);
      expect(reply.body).toBe('');
      expect(reply.headers['content-length']).toBe('0');
      expect(corsHeaders(reply)).toEqual({});
      expect(runs.count).toBe(0);
    });
  });

  it('keeps a preflight answer empty even when upstream middleware set a JSON type', async () => {
    const app = newApp(Koa);
    app.use(async (ctx, next) => {
      ctx.type = 'application/json';
      await next();
    });
    app.use(cors({ origin: [APP] }));
    await withServer(app, async (port) => {
      const reply = await send(port, 'OPTIONS', '/', {
        origin: EVIL,
        'access-control-request-method': 'PUT',
      });
      expect(reply.status).toBe(403);
      expect(reply.body).toBe('');
      expect(reply.headers['content-length']).toBe('0');
    });
  });

  it('passes an OPTIONS request that is not a preflight on to the route', async () => {
    const { app, runs } = appWith({ origin: [APP] });
    await withServer(app, async (port) => {
      const withOrigin = await send(port, 'OPTIONS', '/', { origin: APP });
      expect(withOrigin.status).toBe(200);
      expect(withOrigin.body).toBe('route');
      expect(corsHeaders(withOrigin)).toEqual({ 'access-control-allow-origin': APP });
      const withoutOrigin = await send(port, 'OPTIONS', '/', {
        'access-control-request-method': 'PUT',
      });
      expect(withoutOrigin.body).toBe('route');
      expect(corsHeaders(withoutOrigin)).toEqual({});
      expect(runs.count).toBe(2);
    });
  });

  it('refuses a duplicated Origin header as malformed instead of trusting its first line', async () => {
    const { app } = appWith({ origin: [APP], credentials: true });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: [APP, EVIL] });
      expect(corsHeaders(reply)).toEqual({});
      const preflight = await send(port, 'OPTIONS', '/', {
        origin: [APP, APP],
        'access-control-request-method': 'PUT',
      });
      expect(preflight.status).toBe(403);
      expect(corsHeaders(preflight)).toEqual({});
    });
  });

  it('refuses a duplicated Access-Control-Request-Method header as malformed', async () => {
    const { app } = appWith({ origin: [APP] });
    await withServer(app, async (port) => {
      const reply = await send(port, 'OPTIONS', '/', {
        origin: APP,
        'access-control-request-method': ['PUT', 'DELETE'],
      });
      expect(reply.headers['access-control-allow-methods']).toBeUndefined();
    });
  });

  it('merges Vary with a Vary set upstream, without duplicating tokens', async () => {
    const app = newApp(Koa);
    app.use(async (ctx, next) => {
      ctx.set('Vary', 'Accept-Encoding, origin');
      await next();
    });
    app.use(cors({ origin: [APP] }));
    app.use((ctx) => {
      ctx.body = 'route';
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.headers.vary).toBe('Accept-Encoding, origin');
      const preflight = await send(port, 'OPTIONS', '/', {
        origin: APP,
        'access-control-request-method': 'PUT',
      });
      expect(preflight.headers.vary).toBe(
        'Accept-Encoding, origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      );
    });
  });

  it('merges Vary with a Vary set upstream as several header lines', async () => {
    const app = newApp(Koa);
    app.use(async (ctx, next) => {
      ctx.res.setHeader('Vary', ['Accept-Encoding', 'Accept-Language']);
      await next();
    });
    app.use(cors({ origin: [APP] }));
    app.use((ctx) => {
      ctx.body = 'route';
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.headers.vary).toBe('Accept-Encoding, Accept-Language, Origin');
    });
  });

  it('keeps Origin in Vary when the route sends the response itself (ctx.respond = false)', async () => {
    const app = newApp(Koa);
    app.use(cors({ origin: [APP] }));
    app.use((ctx) => {
      ctx.respond = false;
      ctx.res.setHeader('Vary', 'Accept');
      ctx.res.end('raw');
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.body).toBe('raw');
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
      expect(reply.headers.vary).toBe('Accept, Origin');
    });
  });

  it('keeps Vary: * as *', async () => {
    const app = newApp(Koa);
    app.use(async (ctx, next) => {
      ctx.set('Vary', '*');
      await next();
    });
    app.use(cors({ origin: [APP] }));
    app.use((ctx) => {
      ctx.body = 'route';
    });
    await withServer(app, async (port) => {
      expect((await send(port, 'GET', '/', { origin: APP })).headers.vary).toBe('*');
    });
  });

  it('keeps Origin in Vary when the route adds to Vary or overwrites it', async () => {
    const app = newApp(Koa);
    app.use(cors({ origin: [APP] }));
    app.use((ctx) => {
      if (ctx.path === '/adds') ctx.vary('Accept-Language');
      else ctx.set('Vary', 'Accept');
      ctx.body = 'route';
    });
    await withServer(app, async (port) => {
      expect((await send(port, 'GET', '/adds', { origin: APP })).headers.vary).toBe(
        'Origin, Accept-Language',
      );
      // A shared cache must not serve this origin's answer to another: Origin comes back.
      expect((await send(port, 'GET', '/overwrites', { origin: APP })).headers.vary).toBe(
        'Accept, Origin',
      );
    });
  });

  it('keeps Origin in Vary even when ctx.set stops working after the route, and lets nothing go unhandled', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    const app = newApp(Koa);
    app.use(cors({ origin: [APP] }));
    app.use((ctx) => {
      ctx.set('Vary', 'Accept');
      ctx.body = 'route';
      // A response object that no longer takes headers (a custom one, a proxy's).
      ctx.set = () => {
        throw new Error('headers are frozen');
      };
    });
    try {
      await withServer(app, async (port) => {
        const reply = await send(port, 'GET', '/', { origin: APP });
        expect(reply.status).toBe(200);
        expect(reply.headers.vary).toBe('Accept, Origin');
      });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });

  it('sends no Vary for a public policy (a static * does not depend on Origin)', async () => {
    const { app } = appWith({ origin: '*' });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(reply.headers.vary).toBeUndefined();
    });
  });

  it('calls onDecision once per request with the decision and the Koa context', async () => {
    const seen: { decision: CorsDecision; method: string; url: string; hasState: boolean }[] = [];
    const { app } = appWith({
      origin: [APP],
      onDecision: (decision, ctx) => {
        seen.push({ decision, method: ctx.method, url: ctx.url, hasState: 'state' in ctx });
      },
    });
    await withServer(app, async (port) => {
      await send(port, 'GET', '/a?x=1', { origin: APP });
      await send(port, 'OPTIONS', '/b', { origin: EVIL, 'access-control-request-method': 'PUT' });
      await send(port, 'GET', '/c');
    });
    expect(
      seen.map(({ decision, method, url }) => [method, url, decision.kind, decision.reason]),
    ).toEqual([
      ['GET', '/a?x=1', 'actual', 'allowed'],
      ['OPTIONS', '/b', 'preflight', 'origin-not-allowed'],
      ['GET', '/c', 'not-cors', 'no-origin'],
    ]);
    expect(seen.every((entry) => entry.hasState)).toBe(true);
  });

  it('accepts a policy made by createCorsPolicy, with onDecision as the second argument', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const reasons: string[] = [];
    const app = newApp(Koa);
    app.use(cors(policy, { onDecision: (decision) => reasons.push(decision.reason) }));
    app.use((ctx) => {
      ctx.body = 'route';
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
    });
    expect(reasons).toEqual(['allowed']);
  });

  it('refuses invalid options at start-up with a CorsConfigError listing every problem', () => {
    let error: unknown;
    try {
      cors({ origin: ['https://app.example.com/', 'APP'], maxAge: -1 } as never);
    } catch (caught) {
      error = caught;
    }
    expect(isCorsConfigError(error)).toBe(true);
    expect((error as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses missing options at start-up: origin is required, there is no silent default', () => {
    expect(() => cors(undefined as never)).toThrow(/origin/);
  });

  it('refuses an onDecision that is not a function, and does not pass it to the core', () => {
    expect(() => cors({ origin: [APP], onDecision: 'log' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_CORS_ADAPTER_OPTIONS', option: 'onDecision' }),
    );
    expect(() => cors({ origin: [APP], onDecision: undefined })).not.toThrow();
  });

  it('awaits an async origin function, for actual requests and preflights', async () => {
    const { app, runs } = appWith({
      origin: async (origin: string) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return origin === APP;
      },
      credentials: true,
    });
    await withServer(app, async (port) => {
      const allowed = await send(port, 'GET', '/', { origin: APP });
      expect(allowed.headers['access-control-allow-origin']).toBe(APP);
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const denied = await send(port, 'GET', '/', { origin: EVIL });
      expect(corsHeaders(denied)).toEqual({});
      const preflight = await send(port, 'OPTIONS', '/', {
        origin: APP,
        'access-control-request-method': 'PUT',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-methods']).toBe('PUT');
      expect(runs.count).toBe(2);
    });
  });

  it('stops when the response was sent while an async origin function ran', async () => {
    const app = newApp(Koa);
    let routeRuns = 0;
    app.use(async (ctx, next) => {
      // Like a timeout middleware: answer now, and let the rest finish in the background.
      const rest = next();
      ctx.respond = false;
      ctx.res.end('timed out');
      await rest;
    });
    app.use(cors({ origin: async (origin: string) => origin === APP }));
    app.use((ctx) => {
      routeRuns++;
      ctx.body = 'route';
    });
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.body).toBe('timed out');
      expect(corsHeaders(reply)).toEqual({});
    });
    expect(routeRuns).toBe(0);
  });

  it('passes a rejected async origin function to Koa error handling: a 500, never a hang', async () => {
    const errors: unknown[] = [];
    const { app, runs } = appWith({
      origin: async () => {
        throw new Error('origin store is down');
      },
    });
    app.on('error', (error) => errors.push(error));
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.status).toBe(500);
      expect(reply.body).toBe('Internal Server Error');
      expect(corsHeaders(reply)).toEqual({});
      const preflight = await send(port, 'OPTIONS', '/', {
        origin: APP,
        'access-control-request-method': 'PUT',
      });
      expect(preflight.status).toBe(500);
    });
    expect(runs.count).toBe(0);
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'origin store is down',
      'origin store is down',
    ]);
  });

  it('lets an upstream error handler see a rejected async credentials function', async () => {
    const app = newApp(Koa);
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = 503;
        ctx.body = { error: (error as Error).message };
      }
    });
    app.use(
      cors({ origin: [APP], credentials: () => Promise.reject(new Error('session store down')) }),
    );
    await withServer(app, async (port) => {
      const reply = await send(port, 'GET', '/', { origin: APP });
      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toEqual({ error: 'session store down' });
    });
  });
});
