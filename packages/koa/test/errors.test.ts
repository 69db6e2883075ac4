/**
 * Koa's default error handling (`ctx.onerror`) emits the app's `error` event, then removes every
 * header already set and applies only `err.headers`. These tests pin that the CORS headers still
 * reach error responses (through a listener of that event, added once per app, so that no request
 * pays for errors), and which order of `cors()` and an app's own error-handling middleware keeps
 * them.
 */
import { describe, expect, it } from 'vitest';
import type { Context, Next } from 'koa';
import { cors } from '../src/index.js';
import { corsHeaders, send } from './http.js';
import { koaVersions, newApp, withServer, type App } from './versions.js';

const APP = 'https://app.example.com';
const POLICY = { origin: [APP], credentials: true, exposedHeaders: ['X-Request-Id'] } as const;
const EXPECTED = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'x-request-id',
};

class NotAnError {
  constructor(readonly status: number) {}
}

/** Routes that fail in every way a Koa app fails. */
function failingRoutes(ctx: Context): void {
  switch (ctx.path) {
    case '/throw-400':
      ctx.throw(400, 'bad input');
      break;
    case '/throw-404':
      ctx.throw(404);
      break;
    case '/exception':
      throw new TypeError('oops');
    case '/with-headers':
      ctx.throw(401, 'login first', {
        headers: {
          'WWW-Authenticate': 'Bearer',
          Vary: 'Authorization, origin',
          'Access-Control-Allow-Origin': '*',
        },
      });
      break;
    case '/vary-lines':
      ctx.throw(406, 'not acceptable', {
        headers: { Vary: 'Accept', vary: ['Accept-Language', 'accept'] },
      });
      break;
    case '/string':
      throw 'a string';
    case '/plain-object':
      throw new NotAnError(409);
    case '/fixed-headers': {
      const error = Object.assign(new Error('fixed'), { status: 418, expose: true });
      Object.defineProperty(error, 'headers', { value: { 'X-Fixed': 'yes' }, writable: false });
      throw error;
    }
    case '/unreadable-headers': {
      // Headers that throw the first time they are read (a broken error class, a Proxy): cors()
      // reads them first, Koa's error handling after it.
      const error = Object.assign(new Error('unreadable'), { status: 422, expose: true });
      let reads = 0;
      Object.defineProperty(error, 'headers', {
        get() {
          if (reads++ === 0) throw new Error('headers getter exploded');
          return { 'X-Late': 'yes' };
        },
      });
      throw error;
    }
    case '/set-then-throw':
      ctx.set('X-Request-Id', 'r-1');
      ctx.vary('Accept-Encoding');
      throw new Error('after headers');
    case '/ok':
      ctx.body = 'ok';
      break;
    default:
    // No body: Koa answers 404 Not Found without an error.
  }
}

describe.each(koaVersions)('CORS headers on error responses, $name', ({ Koa }) => {
  describe('with Koa default error handling', () => {
    function app(): App {
      const app = newApp(Koa);
      app.use(cors(POLICY));
      app.use(failingRoutes);
      return app;
    }

    it('keeps the CORS headers and Vary on ctx.throw(400)', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/throw-400', { origin: APP });
        expect(reply.status).toBe(400);
        expect(reply.body).toBe('bad input');
        expect(corsHeaders(reply)).toEqual(EXPECTED);
        expect(reply.headers.vary).toBe('Origin');
      });
    });

    it('keeps the CORS headers on a thrown exception (500)', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/exception', { origin: APP });
        expect(reply.status).toBe(500);
        expect(reply.body).toBe('Internal Server Error');
        expect(corsHeaders(reply)).toEqual(EXPECTED);
        expect(reply.headers.vary).toBe('Origin');
      });
    });

    it('keeps the CORS headers on ctx.throw(404) and on an unrouted 404', async () => {
      await withServer(app(), async (port) => {
        for (const path of ['/throw-404', '/nowhere']) {
          const reply = await send(port, 'GET', path, { origin: APP });
          expect(reply.status).toBe(404);
          expect(corsHeaders(reply)).toEqual(EXPECTED);
          expect(reply.headers.vary).toBe('Origin');
        }
      });
    });

    it("merges the error's own headers: keeps them, merges Vary, and CORS values win for CORS names", async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/with-headers', { origin: APP });
        expect(reply.status).toBe(401);
        expect(reply.headers['www-authenticate']).toBe('Bearer');
        expect(corsHeaders(reply)).toEqual(EXPECTED);
        expect(reply.headers.vary).toBe('Authorization, origin');
      });
    });

    it("merges an error's Vary given as several lines or keys into one value", async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/vary-lines', { origin: APP });
        expect(reply.status).toBe(406);
        expect(reply.headers.vary).toBe('Accept, Accept-Language, Origin');
      });
    });

    it('keeps the headers of a public policy (*, no Vary) on error responses', async () => {
      const app = newApp(Koa);
      app.use(cors({ origin: '*', exposedHeaders: ['X-Total'] }));
      app.use(failingRoutes);
      await withServer(app, async (port) => {
        const reply = await send(port, 'GET', '/throw-400', { origin: APP });
        expect(reply.status).toBe(400);
        expect(corsHeaders(reply)).toEqual({
          'access-control-allow-origin': '*',
          'access-control-expose-headers': 'x-total',
        });
        expect(reply.headers.vary).toBeUndefined();
      });
    });

    it('drops the headers a failing route set (Koa does) but keeps the CORS ones', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/set-then-throw', { origin: APP });
        expect(reply.status).toBe(500);
        expect(reply.headers['x-request-id']).toBeUndefined();
        expect(corsHeaders(reply)).toEqual(EXPECTED);
        expect(reply.headers.vary).toBe('Origin');
      });
    });

    it('keeps Vary on the error response of a disallowed origin, with no CORS headers', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/exception', { origin: 'https://evil.example' });
        expect(reply.status).toBe(500);
        expect(corsHeaders(reply)).toEqual({});
        expect(reply.headers.vary).toBe('Origin');
      });
    });

    it('keeps Vary on the error response of a request without Origin', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/throw-400');
        expect(corsHeaders(reply)).toEqual({});
        expect(reply.headers.vary).toBe('Origin');
      });
    });

    it('keeps the CORS headers on a thrown non-Error value, which Koa turns into a 500 Error', async () => {
      await withServer(app(), async (port) => {
        // Koa replaces anything that is not an Error with a new Error (its status is lost) before
        // it emits `error`: the listener puts the CORS headers on that new Error.
        for (const path of ['/string', '/plain-object']) {
          const reply = await send(port, 'GET', path, { origin: APP });
          expect(reply.status).toBe(500);
          expect(corsHeaders(reply)).toEqual(EXPECTED);
          expect(reply.headers.vary).toBe('Origin');
        }
      });
    });

    it('keeps the CORS headers and Vary on an error of a downstream middleware, before or after the route', async () => {
      const app = newApp(Koa);
      app.use(cors(POLICY));
      app.use(async (ctx, next) => {
        if (ctx.path === '/before') ctx.throw(403, 'forbidden');
        await next();
        // After the route, once the body is set: an async failure on the way back.
        if (ctx.path === '/after') throw new Error('audit log unreachable');
      });
      app.use(failingRoutes);
      await withServer(app, async (port) => {
        for (const [path, status] of [
          ['/before', 403],
          ['/after', 500],
        ] as const) {
          const reply = await send(port, 'GET', path, { origin: APP });
          expect(reply.status).toBe(status);
          expect(corsHeaders(reply)).toEqual(EXPECTED);
          expect(reply.headers.vary).toBe('Origin');
        }
      });
    });

    it('keeps the CORS headers on an error an upstream middleware throws after the route', async () => {
      const app = newApp(Koa);
      app.use(async (_ctx, next) => {
        await next();
        throw new Error('upstream, on the way back');
      });
      app.use(cors(POLICY));
      app.use(failingRoutes);
      await withServer(app, async (port) => {
        const reply = await send(port, 'GET', '/ok', { origin: APP });
        expect(reply.status).toBe(500);
        expect(corsHeaders(reply)).toEqual(EXPECTED);
        expect(reply.headers.vary).toBe('Origin');
      });
    });

    it('hands Koa the promise of next() itself: nothing is chained on it per request', async () => {
      const app = newApp(Koa);
      const returned: Promise<unknown>[] = [];
      let downstream: Promise<unknown> | undefined;
      app.use((_ctx, next) => {
        const fromCors = next();
        returned.push(fromCors);
        return fromCors;
      });
      app.use(cors(POLICY));
      app.use((ctx) => {
        downstream = Promise.resolve().then(() => failingRoutes(ctx));
        return downstream;
      });
      await withServer(app, async (port) => {
        for (const origin of [APP, 'https://evil.example', undefined]) {
          downstream = undefined;
          const reply = await send(port, 'GET', '/ok', origin === undefined ? {} : { origin });
          expect(reply.status).toBe(200);
          expect(returned.at(-1)).toBe(downstream);
        }
      });
    });

    it("listens to the app's error event once, beside Koa's default logger", async () => {
      const app = newApp(Koa);
      app.use(cors(POLICY));
      app.use(cors({ origin: '*' }));
      app.use(failingRoutes);
      await withServer(app, async (port) => {
        for (const path of ['/ok', '/exception', '/throw-400']) await send(port, 'GET', path);
      });
      // Koa installs its logger (app.onerror) in callback() only when the app has no `error`
      // listener: cors() adds its own at the first request, after that, and only once.
      const listeners = app.listeners('error');
      expect(listeners).toHaveLength(2);
      // Koa binds nothing: its listener is the app's own onerror method.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      expect(listeners[0]).toBe(app.onerror);
    });

    it('leaves an error whose headers cannot be replaced as it is, and still answers', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/fixed-headers', { origin: APP });
        expect(reply.status).toBe(418);
        expect(reply.body).toBe('fixed');
        expect(reply.headers['x-fixed']).toBe('yes');
      });
    });

    it('answers an error whose headers throw when read, and lets nothing go unhandled', async () => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        await withServer(app(), async (port) => {
          const reply = await send(port, 'GET', '/unreadable-headers', { origin: APP });
          expect(reply.status).toBe(422);
          expect(reply.body).toBe('unreadable');
          expect(reply.headers['x-late']).toBe('yes');
        });
        // Rejections are reported after a turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', listener);
      }
      expect(unhandled).toEqual([]);
    });

    it('is not needed on a success response: the headers stay as set', async () => {
      await withServer(app(), async (port) => {
        const reply = await send(port, 'GET', '/ok', { origin: APP });
        expect(reply.status).toBe(200);
        expect(corsHeaders(reply)).toEqual(EXPECTED);
      });
    });
  });

  // Three shapes of an app's error-handling middleware.
  /** Catches, answers with JSON, and keeps the headers already set (the usual Koa recipe). */
  async function jsonErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      ctx.status = status;
      ctx.body = { error: status < 500 ? (error as Error).message : 'internal' };
    }
  }
  /** Starts the response afresh like Koa's own ctx.onerror (headers cleared, err.headers set), and emits `error` first as it does. */
  async function koaLikeErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      ctx.app.emit('error', error, ctx);
      restart(ctx, error);
    }
  }
  /** Starts the response afresh from err.headers, without emitting `error`. */
  async function silentFreshErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      restart(ctx, error);
    }
  }
  function restart(ctx: Context, error: unknown): void {
    for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
    const headers = (error as { headers?: Record<string, string> }).headers ?? {};
    for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
    ctx.status = (error as { status?: number }).status ?? 500;
    ctx.body = { error: 'failed' };
  }

  describe.each([
    {
      handler: 'a JSON error handler that keeps headers',
      errorHandler: jsonErrors,
      keeps: { first: true, second: true },
    },
    {
      handler: "an error handler that emits 'error', clears headers and applies err.headers",
      errorHandler: koaLikeErrors,
      keeps: { first: true, second: true },
    },
    {
      handler: "an error handler that clears headers and applies err.headers, emitting no 'error'",
      errorHandler: silentFreshErrors,
      keeps: { first: false, second: false },
    },
  ])('with $handler', ({ errorHandler, keeps }) => {
    const expected = (kept: boolean) => (kept ? EXPECTED : {});

    it(`error handler first (outermost), then cors(): ${keeps.first ? 'keeps' : 'loses'} the CORS headers, keeps Vary`, async () => {
      const app = newApp(Koa);
      app.use(errorHandler);
      app.use(cors(POLICY));
      app.use(failingRoutes);
      await withServer(app, async (port) => {
        // (An error whose own headers name a CORS header keeps that one when nothing merges.)
        const paths = ['/throw-400', '/exception', ...(keeps.first ? ['/with-headers'] : [])];
        for (const path of paths) {
          const reply = await send(port, 'GET', path, { origin: APP });
          expect(reply.status).toBeGreaterThanOrEqual(400);
          expect(reply.headers['content-type']).toMatch(/^application\/json/);
          expect(corsHeaders(reply)).toEqual(expected(keeps.first));
          expect(reply.headers.vary?.split(', ').map((token) => token.toLowerCase())).toContain(
            'origin',
          );
        }
      });
    });

    it(`cors() first (outermost), then the error handler: ${keeps.second ? 'keeps' : 'loses'} the CORS headers, keeps Vary`, async () => {
      const app = newApp(Koa);
      app.use(cors(POLICY));
      app.use(errorHandler);
      app.use(failingRoutes);
      await withServer(app, async (port) => {
        const reply = await send(port, 'GET', '/exception', { origin: APP });
        expect(reply.status).toBe(500);
        expect(reply.headers['content-type']).toMatch(/^application\/json/);
        // What survives is what the handler leaves of the headers set before the route ran, plus
        // what it applies from err.headers, which the `error` event fills.
        expect(corsHeaders(reply)).toEqual(expected(keeps.second));
        // Vary is merged again when the head is written, whatever the handler did.
        expect(reply.headers.vary).toBe('Origin');
      });
    });
  });

  it('keeps the CORS headers on 405 and 501 thrown by allowedMethods({ throw: true })', async () => {
    const { Router } = await import('@koa/router');
    const router = new Router();
    router.get('/items', (ctx) => {
      ctx.body = 'items';
    });
    const app = newApp(Koa);
    app.use(cors(POLICY));
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
    await withServer(app, async (port) => {
      const notAllowed = await send(port, 'DELETE', '/items', { origin: APP });
      expect(notAllowed.status).toBe(405);
      expect(corsHeaders(notAllowed)).toEqual(EXPECTED);
      const notImplemented = await send(port, 'PROPFIND', '/items', { origin: APP });
      expect(notImplemented.status).toBe(501);
      expect(corsHeaders(notImplemented)).toEqual(EXPECTED);
      expect(notImplemented.headers.vary).toBe('Origin');
    });
  });
});
