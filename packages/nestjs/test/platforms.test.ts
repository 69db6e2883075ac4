/**
 * One suite, run on @nestjs/platform-express and @nestjs/platform-fastify: the same requests must
 * get the same CORS answers, including on error responses, 404s, guarded routes and preflights.
 */
import { IncomingMessage } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpException,
  Injectable,
  Module,
  Param,
  Post,
  Put,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import type { CorsDecision } from '@cors/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cors, CorsModule } from '../src/index.js';
import {
  corsHeaders,
  observable,
  platforms,
  send,
  start,
  varyTokens,
  type Platform,
  type Started,
} from './helpers.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example';

const decisions: { decision: CorsDecision; req: unknown }[] = [];
const guardCalls: string[] = [];
const routeCalls: string[] = [];

@Injectable()
class DenyEverything implements CanActivate {
  canActivate(): boolean {
    guardCalls.push('called');
    return false;
  }
}

@Injectable()
class RejectingMiddleware implements NestMiddleware {
  use(): void {
    throw new UnauthorizedException('no entry');
  }
}

@Controller('api')
class ApiController {
  @Get('hello')
  hello() {
    routeCalls.push('hello');
    return { message: 'hello' };
  }

  @Put('items/:id')
  update(@Param('id') id: string) {
    routeCalls.push('update');
    return { updated: id };
  }

  @Get('teapot')
  teapot() {
    throw new HttpException('short and stout', 418);
  }

  @Get('crash')
  crash() {
    throw new Error('crash');
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return body;
  }

  @Get('cached')
  @Header('Cache-Control', 'no-store')
  cached() {
    return 'cached';
  }
}

@UseGuards(DenyEverything)
@Controller('guarded')
class GuardedController {
  @Delete('secret')
  remove() {
    routeCalls.push('guarded');
    return 'gone';
  }
}

@Cors({ origin: [ADMIN], exposedHeaders: ['X-Admin'] })
@Controller('strict')
class StrictController {
  @Get('hello')
  hello() {
    return 'strict';
  }

  @Cors(false)
  @Delete('purge')
  purge() {
    routeCalls.push('purge');
    return 'purged';
  }

  @Cors(true)
  @Get('open')
  open() {
    return 'open';
  }
}

@Controller('mw')
class MiddlewareController {
  @Get('boom')
  boom() {
    return 'never';
  }
}

@Module({
  imports: [
    CorsModule.forRoot({
      origin: [APP],
      credentials: true,
      allowedHeaders: ['Content-Type', 'X-Custom'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
      onDecision: (decision, req) => decisions.push({ decision, req }),
    }),
  ],
  controllers: [ApiController, GuardedController, StrictController, MiddlewareController],
  providers: [DenyEverything],
})
class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RejectingMiddleware).forRoutes(MiddlewareController);
  }
}

const preflight = (origin: string, method: string, headers?: string): [string, string][] => {
  const lines: [string, string][] = [
    ['origin', origin],
    ['access-control-request-method', method],
  ];
  if (headers !== undefined) lines.push(['access-control-request-headers', headers]);
  return lines;
};

const APP_ACTUAL = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'x-request-id',
};

describe.each(platforms)('on %s', (platform: Platform) => {
  let server: Started;

  beforeAll(async () => {
    server = await start(platform, AppModule);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers an allowed preflight with 204, the policy headers and no body, without running the route', async () => {
    routeCalls.length = 0;
    const reply = await send(
      server.port,
      'OPTIONS',
      '/api/items/42',
      preflight(APP, 'PUT', 'content-type,x-custom'),
    );
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    // No Content-Length on a 204 (RFC 9110 §8.6); @cors/node leaves it out.
    expect(reply.headers['content-length']).toBeUndefined();
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'content-type,x-custom',
      'access-control-max-age': '600',
    });
    expect(varyTokens(reply)).toEqual([
      'Origin',
      'Access-Control-Request-Method',
      'Access-Control-Request-Headers',
    ]);
    expect(routeCalls).toEqual([]);
  });

  it('refuses a preflight from an origin that is not listed with 403 and no CORS headers', async () => {
    const reply = await send(server.port, 'OPTIONS', '/api/items/42', preflight(EVIL, 'PUT'));
    expect(reply.status).toBe(403);
    expect(reply.body).toBe('');
    expect(reply.headers['content-length']).toBe('0');
    expect(corsHeaders(reply)).toEqual({});
    expect(varyTokens(reply)).toContain('Origin');
  });

  it('refuses a preflight that asks for a header the policy does not allow, naming no allowed headers', async () => {
    const reply = await send(
      server.port,
      'OPTIONS',
      '/api/items/42',
      preflight(APP, 'PUT', 'x-other'),
    );
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-headers']).toBeUndefined();
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('sets the CORS headers on an actual request and lets the route run', async () => {
    routeCalls.length = 0;
    const reply = await send(server.port, 'GET', '/api/hello', [['origin', APP]]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ message: 'hello' });
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
    expect(varyTokens(reply)).toEqual(['Origin']);
    expect(routeCalls).toEqual(['hello']);
  });

  it('does not reflect an arbitrary Origin when credentials are on', async () => {
    const reply = await send(server.port, 'GET', '/api/hello', [['origin', EVIL]]);
    expect(reply.status).toBe(200);
    expect(corsHeaders(reply)).toEqual({});
    expect(varyTokens(reply)).toEqual(['Origin']);
  });

  it('refuses an Origin sent on two lines instead of trusting the first one', async () => {
    const reply = await send(server.port, 'GET', '/api/hello', [
      ['origin', APP],
      ['origin', EVIL],
    ]);
    expect(corsHeaders(reply)).toEqual({});
    const last = decisions.at(-1)?.decision;
    expect(last?.reason).toBe('origin-malformed');
  });

  it('adds nothing but Vary to a request without Origin', async () => {
    const reply = await send(server.port, 'GET', '/api/hello');
    expect(reply.status).toBe(200);
    expect(corsHeaders(reply)).toEqual({});
    expect(varyTokens(reply)).toEqual(['Origin']);
  });

  it('keeps the CORS headers on an HttpException response', async () => {
    const reply = await send(server.port, 'GET', '/api/teapot', [['origin', APP]]);
    expect(reply.status).toBe(418);
    expect(JSON.parse(reply.body)).toEqual({ statusCode: 418, message: 'short and stout' });
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
  });

  it('keeps the CORS headers on the 500 of an unexpected error', async () => {
    const reply = await send(server.port, 'GET', '/api/crash', [['origin', APP]]);
    expect(reply.status).toBe(500);
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
  });

  it('keeps the CORS headers on a 404 and answers preflights to unknown paths', async () => {
    const notFound = await send(server.port, 'GET', '/nowhere', [['origin', APP]]);
    expect(notFound.status).toBe(404);
    expect(corsHeaders(notFound)).toEqual(APP_ACTUAL);
    const unknownPreflight = await send(
      server.port,
      'OPTIONS',
      '/nowhere/at/all',
      preflight(APP, 'DELETE'),
    );
    expect(unknownPreflight.status).toBe(204);
    expect(unknownPreflight.headers['access-control-allow-methods']).toBe('DELETE');
  });

  it('keeps the CORS headers when a Nest middleware throws', async () => {
    const reply = await send(server.port, 'GET', '/mw/boom', [['origin', APP]]);
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ statusCode: 401, message: 'no entry' });
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
  });

  it('answers the preflight of a route behind middleware without running the middleware', async () => {
    const reply = await send(server.port, 'OPTIONS', '/mw/boom', preflight(APP, 'GET'));
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('keeps the CORS headers when the JSON body parser refuses a malformed body', async () => {
    const reply = await send(
      server.port,
      'POST',
      '/api/echo',
      [
        ['origin', APP],
        ['content-type', 'application/json'],
      ],
      '{"broken":',
    );
    expect(reply.status).toBe(400);
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
  });

  it('answers preflights before guards: a guard that refuses everything never sees them, and its 403 carries CORS headers', async () => {
    guardCalls.length = 0;
    routeCalls.length = 0;
    const allowed = await send(server.port, 'OPTIONS', '/guarded/secret', preflight(APP, 'DELETE'));
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-methods']).toBe('DELETE');
    expect(guardCalls).toEqual([]);

    const actual = await send(server.port, 'DELETE', '/guarded/secret', [['origin', APP]]);
    expect(actual.status).toBe(403);
    expect(JSON.parse(actual.body)).toMatchObject({ statusCode: 403 });
    expect(corsHeaders(actual)).toEqual(APP_ACTUAL);
    expect(guardCalls).toEqual(['called']);
    expect(routeCalls).toEqual([]);
  });

  it("applies a controller's @Cors() policy to its routes and to their preflights, instead of the module's", async () => {
    const fromAdmin = await send(server.port, 'GET', '/strict/hello', [['origin', ADMIN]]);
    expect(fromAdmin.status).toBe(200);
    expect(corsHeaders(fromAdmin)).toEqual({
      'access-control-allow-origin': ADMIN,
      'access-control-expose-headers': 'x-admin',
    });
    const fromApp = await send(server.port, 'GET', '/strict/hello', [['origin', APP]]);
    expect(corsHeaders(fromApp)).toEqual({});

    const preflightFromApp = await send(
      server.port,
      'OPTIONS',
      '/strict/hello',
      preflight(APP, 'GET'),
    );
    expect(preflightFromApp.status).toBe(403);
    expect(corsHeaders(preflightFromApp)).toEqual({});
    const preflightFromAdmin = await send(
      server.port,
      'OPTIONS',
      '/strict/hello',
      preflight(ADMIN, 'GET'),
    );
    expect(preflightFromAdmin.status).toBe(204);
    expect(preflightFromAdmin.headers['access-control-allow-origin']).toBe(ADMIN);
    expect(preflightFromAdmin.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('sends no CORS headers on a @Cors(false) route and refuses its preflight with 403', async () => {
    routeCalls.length = 0;
    const refused = await send(server.port, 'OPTIONS', '/strict/purge', preflight(ADMIN, 'DELETE'));
    expect(refused.status).toBe(403);
    expect(refused.body).toBe('');
    expect(corsHeaders(refused)).toEqual({});
    expect(decisions.at(-1)?.decision).toMatchObject({
      kind: 'preflight',
      allowed: false,
      status: 403,
    });

    const actual = await send(server.port, 'DELETE', '/strict/purge', [['origin', ADMIN]]);
    expect(actual.status).toBe(200);
    expect(corsHeaders(actual)).toEqual({});
    expect(actual.headers.vary).toBeUndefined();
    expect(routeCalls).toEqual(['purge']);
  });

  it("uses the module's policy on a @Cors(true) handler inside a @Cors() controller", async () => {
    const reply = await send(server.port, 'GET', '/strict/open', [['origin', APP]]);
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
    const pre = await send(server.port, 'OPTIONS', '/strict/open', preflight(APP, 'GET'));
    expect(pre.status).toBe(204);
  });

  it("picks the policy of the handler the preflight's method would reach, not of the path alone", async () => {
    // DELETE /strict/purge is @Cors(false); PUT /strict/purge has no handler: the module's policy.
    const put = await send(server.port, 'OPTIONS', '/strict/purge', preflight(APP, 'PUT'));
    expect(put.status).toBe(204);
    expect(put.headers['access-control-allow-origin']).toBe(APP);
  });

  it('finds the route whatever the case of the path and of the requested method', async () => {
    const lower = await send(server.port, 'OPTIONS', '/strict/purge', preflight(ADMIN, 'delete'));
    expect(lower.status).toBe(403);
    const withQuery = await send(
      server.port,
      'OPTIONS',
      '/strict/purge?now=1',
      preflight(ADMIN, 'DELETE'),
    );
    expect(withQuery.status).toBe(403);
  });

  it('tells onDecision once per decided request, with the raw Node request', async () => {
    decisions.length = 0;
    await send(server.port, 'GET', '/api/hello', [['origin', APP]]);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.decision).toMatchObject({
      kind: 'actual',
      allowed: true,
      reason: 'allowed',
    });
    expect(decisions[0]?.req).toBeInstanceOf(IncomingMessage);
    expect((decisions[0]?.req as IncomingMessage).url).toBe('/api/hello');
  });

  it('keeps headers the route sets next to the CORS ones', async () => {
    const reply = await send(server.port, 'GET', '/api/cached', [['origin', APP]]);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(corsHeaders(reply)).toEqual(APP_ACTUAL);
  });
});

describe('Express and Fastify give the same answers', () => {
  const requests: {
    name: string;
    method: string;
    path: string;
    headers: [string, string][];
    body?: string;
    compareBody?: boolean;
  }[] = [
    {
      name: 'allowed preflight',
      method: 'OPTIONS',
      path: '/api/items/42',
      headers: preflight(APP, 'PUT', 'content-type'),
    },
    {
      name: 'denied preflight',
      method: 'OPTIONS',
      path: '/api/items/42',
      headers: preflight(EVIL, 'PUT'),
    },
    {
      name: 'preflight with a header not allowed',
      method: 'OPTIONS',
      path: '/api/items/42',
      headers: preflight(APP, 'PUT', 'x-nope'),
    },
    {
      name: 'preflight for a method not allowed',
      method: 'OPTIONS',
      path: '/api/items/42',
      headers: preflight(APP, 'PURGE'),
    },
    {
      name: 'preflight with a malformed method',
      method: 'OPTIONS',
      path: '/api/items/42',
      headers: preflight(APP, 'PUT DELETE'),
    },
    {
      name: 'OPTIONS without Access-Control-Request-Method',
      method: 'OPTIONS',
      path: '/api/hello',
      headers: [['origin', APP]],
    },
    {
      name: 'preflight to an unknown path',
      method: 'OPTIONS',
      path: '/nowhere',
      headers: preflight(APP, 'GET'),
    },
    { name: 'actual GET', method: 'GET', path: '/api/hello', headers: [['origin', APP]] },
    {
      name: 'actual GET from a foreign origin',
      method: 'GET',
      path: '/api/hello',
      headers: [['origin', EVIL]],
    },
    {
      name: 'actual GET from the null origin',
      method: 'GET',
      path: '/api/hello',
      headers: [['origin', 'null']],
    },
    {
      name: 'duplicated Origin',
      method: 'GET',
      path: '/api/hello',
      headers: [
        ['origin', APP],
        ['origin', APP],
      ],
    },
    { name: 'no Origin', method: 'GET', path: '/api/hello', headers: [] },
    { name: 'HttpException', method: 'GET', path: '/api/teapot', headers: [['origin', APP]] },
    { name: 'unexpected error', method: 'GET', path: '/api/crash', headers: [['origin', APP]] },
    { name: '404', method: 'GET', path: '/nowhere', headers: [['origin', APP]] },
    {
      name: 'error in Nest middleware',
      method: 'GET',
      path: '/mw/boom',
      headers: [['origin', APP]],
    },
    {
      name: 'guard refusal',
      method: 'DELETE',
      path: '/guarded/secret',
      headers: [['origin', APP]],
    },
    {
      name: 'preflight of a guarded route',
      method: 'OPTIONS',
      path: '/guarded/secret',
      headers: preflight(APP, 'DELETE'),
    },
    {
      name: '@Cors() controller, allowed',
      method: 'GET',
      path: '/strict/hello',
      headers: [['origin', ADMIN]],
    },
    {
      name: '@Cors() controller, preflight refused',
      method: 'OPTIONS',
      path: '/strict/hello',
      headers: preflight(APP, 'GET'),
    },
    {
      name: '@Cors(false) preflight',
      method: 'OPTIONS',
      path: '/strict/purge',
      headers: preflight(ADMIN, 'DELETE'),
    },
    {
      name: '@Cors(false) actual',
      method: 'DELETE',
      path: '/strict/purge',
      headers: [['origin', ADMIN]],
    },
    {
      name: 'malformed JSON body',
      method: 'POST',
      path: '/api/echo',
      headers: [
        ['origin', APP],
        ['content-type', 'application/json'],
      ],
      body: '{"broken":',
      compareBody: false,
    },
  ];

  let express: Started;
  let fastify: Started;
  beforeAll(async () => {
    express = await start('express', AppModule);
    fastify = await start('fastify', AppModule);
  });
  afterAll(async () => {
    await express?.close();
    await fastify?.close();
  });

  for (const request of requests) {
    it(request.name, async () => {
      const [onExpress, onFastify] = await Promise.all(
        [express, fastify].map((server) =>
          send(server.port, request.method, request.path, request.headers, request.body),
        ),
      );
      const a = observable(onExpress!) as Record<string, unknown>;
      const b = observable(onFastify!) as Record<string, unknown>;
      if (request.compareBody === false) {
        delete a.body;
        delete b.body;
        delete a.contentLength;
        delete b.contentLength;
      }
      expect(b).toEqual(a);
    });
  }
});

describe('on fastify, the reply answers', () => {
  it("runs Fastify's onSend and onResponse hooks for an answered preflight, as for any reply", async () => {
    const hooks: string[] = [];
    const server = await start('fastify', AppModule, (app) => {
      const fastify = app.getHttpAdapter().getInstance() as {
        addHook(name: string, hook: (...args: unknown[]) => void): void;
      };
      fastify.addHook('onSend', (_request, _reply, payload, done) => {
        hooks.push('onSend');
        (done as (error: null, payload: unknown) => void)(null, payload);
      });
      fastify.addHook('onResponse', (_request, _reply, done) => {
        hooks.push('onResponse');
        (done as () => void)();
      });
    });
    try {
      const reply = await send(server.port, 'OPTIONS', '/api/items/42', preflight(APP, 'PUT'));
      expect(reply.status).toBe(204);
      expect(reply.headers['access-control-allow-methods']).toBe('PUT');
      // onResponse runs once the response has finished, which may be after the client read it.
      await vi.waitFor(() => expect(hooks).toEqual(['onSend', 'onResponse']));
    } finally {
      await server.close();
    }
  });
});
