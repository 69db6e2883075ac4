/**
 * The three places where `@koa/cors` 5 does not do what its options say in a real browser, each
 * with this package's behaviour and, for contrast, `@koa/cors`'s on the same Koa and the same request.
 */
import koaCors from '@koa/cors';
import { describe, expect, it } from 'vitest';
import { isCorsConfigError } from '@cors/core';
import { cors } from '../src/index.js';
import { corsHeaders, send } from './http.js';
import { koaVersions, newApp, withServer, type App } from './versions.js';

const EVIL = 'https://evil.example';
const APP = 'https://app.example.com';

describe.each(koaVersions)('where @koa/cors fails in a browser, on $name', ({ Koa }) => {
  function appWith(middleware: Parameters<App['use']>[0]): App {
    const app = newApp(Koa);
    app.use(middleware);
    app.use((ctx) => {
      ctx.body = 'secret';
    });
    return app;
  }

  it("refuses origin: '*' with credentials at start-up instead of reflecting any origin", async () => {
    let error: unknown;
    try {
      cors({ origin: '*', credentials: true } as never);
    } catch (caught) {
      error = caught;
    }
    expect(isCorsConfigError(error)).toBe(true);
    expect((error as { issues: { code: string }[] }).issues.map((issue) => issue.code)).toContain(
      'credentials_with_wildcard_origin',
    );

    // @koa/cors accepts it and reflects whatever Origin arrives, with credentials: any site can
    // read the user's authenticated responses.
    await withServer(appWith(koaCors({ origin: '*', credentials: true })), async (port) => {
      const reply = await send(port, 'GET', '/', { origin: EVIL });
      expect(reply.headers['access-control-allow-origin']).toBe(EVIL);
      expect(reply.headers['access-control-allow-credentials']).toBe('true');
    });
  });

  it('allowedHeaders: [] allows no custom header', async () => {
    const preflight = {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-custom',
    };
    await withServer(appWith(cors({ origin: [APP], allowedHeaders: [] })), async (port) => {
      const reply = await send(port, 'OPTIONS', '/', preflight);
      expect(reply.headers['access-control-allow-headers']).toBeUndefined();
      // Denied for its header: the browser then blocks the PUT and names the header.
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
    });

    // @koa/cors joins [] into '' and, finding it empty, reflects the requested headers.
    await withServer(appWith(koaCors({ origin: APP, allowHeaders: [] })), async (port) => {
      const reply = await send(port, 'OPTIONS', '/', preflight);
      expect(reply.headers['access-control-allow-headers']).toBe('x-custom');
    });
  });

  it('maxAge: 0 is sent as Access-Control-Max-Age: 0', async () => {
    const preflight = { origin: APP, 'access-control-request-method': 'PUT' };
    await withServer(appWith(cors({ origin: [APP], maxAge: 0 })), async (port) => {
      const reply = await send(port, 'OPTIONS', '/', preflight);
      expect(reply.status).toBe(204);
      expect(reply.headers['access-control-max-age']).toBe('0');
    });

    // @koa/cors treats 0 as "unset" and sends nothing, so the browser caches the answer for its
    // default 5 seconds instead of not at all.
    await withServer(appWith(koaCors({ origin: APP, maxAge: 0 })), async (port) => {
      const reply = await send(port, 'OPTIONS', '/', preflight);
      expect(reply.status).toBe(204);
      expect(reply.headers['access-control-max-age']).toBeUndefined();
      expect(corsHeaders(reply)['access-control-allow-origin']).toBe(APP);
    });
  });
});
