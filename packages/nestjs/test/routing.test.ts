/**
 * Which route decides: a preflight gets the policy of the handler its path and requested method
 * would reach, with a global prefix (and its exclusions), URI versioning and RouterModule paths, on
 * both platforms; and an actual request gets the policy of the handler its router picks. The
 * platform's own router decides (src/routes.ts), so where Express and Fastify pick different
 * handlers, each gets its own handler's policy.
 */
import {
  Controller,
  All,
  Get,
  Head,
  Module,
  Options,
  Post,
  VERSION_NEUTRAL,
  Version,
  VersioningType,
  type INestApplication,
} from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cors, CorsModule } from '../src/index.js';
import {
  corsHeaders,
  observable,
  platforms,
  send,
  start,
  type Platform,
  type Started,
} from './helpers.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

const preflight = (origin: string, method: string): [string, string][] => [
  ['origin', origin],
  ['access-control-request-method', method],
];

@Controller({ path: 'cats', version: '1' })
class CatsV1Controller {
  @Get()
  list() {
    return 'cats v1';
  }

  @Cors({ origin: [ADMIN] })
  @Post()
  create() {
    return 'created';
  }
}

@Cors(false)
@Controller({ path: 'cats', version: '2' })
class CatsV2Controller {
  @Get()
  list() {
    return 'cats v2';
  }
}

@Controller({ path: 'dogs', version: ['1', VERSION_NEUTRAL] })
class DogsController {
  @Cors({ origin: [ADMIN] })
  @Get()
  list() {
    return 'dogs';
  }

  @Version('3')
  @Cors(false)
  @Get('v3-only')
  v3() {
    return 'dogs v3';
  }
}

@Controller({ path: 'health', version: VERSION_NEUTRAL })
class HealthController {
  @Cors(false)
  @Get()
  ok() {
    return 'ok';
  }
}

@Cors({ origin: [ADMIN] })
@Controller('reports')
class ReportsController {
  @Get(':id')
  report() {
    return 'report';
  }
}

@Module({ controllers: [ReportsController] })
class AdminModule {}

@Module({
  imports: [
    CorsModule.forRoot({ origin: [APP] }),
    AdminModule,
    RouterModule.register([{ path: 'admin', module: AdminModule }]),
  ],
  controllers: [CatsV1Controller, CatsV2Controller, DogsController, HealthController],
})
class VersionedModule {}

const configure = (app: INestApplication) => {
  app.setGlobalPrefix('api', { exclude: ['health'] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
};

describe.each(platforms)(
  'with a global prefix, URI versioning and RouterModule, on %s',
  (platform: Platform) => {
    let server: Started;
    beforeAll(async () => {
      server = await start(platform, VersionedModule, configure);
    });
    afterAll(async () => {
      await server?.close();
    });

    it("uses the module's policy for a versioned route without @Cors()", async () => {
      const reply = await send(server.port, 'GET', '/api/v1/cats', [['origin', APP]]);
      expect(reply.body).toBe('cats v1');
      expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': APP });
    });

    it("uses a handler's @Cors() for the preflight of its method on a versioned path", async () => {
      const fromAdmin = await send(
        server.port,
        'OPTIONS',
        '/api/v1/cats',
        preflight(ADMIN, 'POST'),
      );
      expect(fromAdmin.status).toBe(204);
      expect(fromAdmin.headers['access-control-allow-origin']).toBe(ADMIN);
      const fromApp = await send(server.port, 'OPTIONS', '/api/v1/cats', preflight(APP, 'POST'));
      expect(fromApp.status).toBe(403);
      // Same path, another method: another handler, the module's policy.
      const get = await send(server.port, 'OPTIONS', '/api/v1/cats', preflight(APP, 'GET'));
      expect(get.status).toBe(204);
    });

    it('tells versions apart: the @Cors(false) v2 controller sends no CORS headers and refuses preflights', async () => {
      const reply = await send(server.port, 'GET', '/api/v2/cats', [['origin', APP]]);
      expect(reply.body).toBe('cats v2');
      expect(corsHeaders(reply)).toEqual({});
      const pre = await send(server.port, 'OPTIONS', '/api/v2/cats', preflight(APP, 'GET'));
      expect(pre.status).toBe(403);
      const unknownVersion = await send(
        server.port,
        'OPTIONS',
        '/api/v9/cats',
        preflight(APP, 'GET'),
      );
      expect(unknownVersion.status).toBe(204);
    });

    it('matches version-neutral and listed versions of a route', async () => {
      for (const path of ['/api/dogs', '/api/v1/dogs']) {
        const reply = await send(server.port, 'GET', path, [['origin', ADMIN]]);
        expect(reply.body, path).toBe('dogs');
        expect(corsHeaders(reply), path).toEqual({ 'access-control-allow-origin': ADMIN });
      }
      const v3 = await send(server.port, 'OPTIONS', '/api/v3/dogs/v3-only', preflight(APP, 'GET'));
      expect(v3.status).toBe(403);
    });

    it('follows exclusions from the global prefix', async () => {
      const health = await send(server.port, 'GET', '/health', [['origin', APP]]);
      expect(health.body).toBe('ok');
      expect(corsHeaders(health)).toEqual({});
      const pre = await send(server.port, 'OPTIONS', '/health', preflight(APP, 'GET'));
      expect(pre.status).toBe(403);
      // Under the prefix there is no such route: the module's policy answers.
      const prefixed = await send(server.port, 'OPTIONS', '/api/v1/health', preflight(APP, 'GET'));
      expect(prefixed.status).toBe(204);
    });

    it('includes RouterModule paths', async () => {
      const reply = await send(server.port, 'GET', '/api/v1/admin/reports/7', [['origin', ADMIN]]);
      expect(reply.body).toBe('report');
      expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': ADMIN });
      const pre = await send(
        server.port,
        'OPTIONS',
        '/api/v1/admin/reports/7',
        preflight(APP, 'GET'),
      );
      expect(pre.status).toBe(403);
    });
  },
);

describe('with a global prefix and URI versioning, Express and Fastify give the same answers', () => {
  let express: Started;
  let fastify: Started;
  beforeAll(async () => {
    express = await start('express', VersionedModule, configure);
    fastify = await start('fastify', VersionedModule, configure);
  });
  afterAll(async () => {
    await express?.close();
    await fastify?.close();
  });

  const cases: [string, string, [string, string][]][] = [
    ['GET', '/api/v1/cats', [['origin', APP]]],
    ['OPTIONS', '/api/v1/cats', preflight(ADMIN, 'POST')],
    ['OPTIONS', '/api/v1/cats', preflight(APP, 'POST')],
    ['GET', '/api/v2/cats', [['origin', APP]]],
    ['OPTIONS', '/api/v2/cats', preflight(APP, 'GET')],
    ['GET', '/api/dogs', [['origin', ADMIN]]],
    ['GET', '/health', [['origin', APP]]],
    ['OPTIONS', '/health', preflight(APP, 'GET')],
    ['GET', '/api/v1/admin/reports/7', [['origin', ADMIN]]],
    ['GET', '/api/v1/nowhere', [['origin', APP]]],
    ['OPTIONS', '/elsewhere', preflight(APP, 'PATCH')],
  ];
  for (const [method, path, headers] of cases) {
    it(`${method} ${path} (${headers[0]?.[1]})`, async () => {
      const [a, b] = await Promise.all(
        [express, fastify].map((server) => send(server.port, method, path, headers)),
      );
      expect(observable(b!)).toEqual(observable(a!));
    });
  }
});

@Controller('users')
class UsersController {
  @Get(':id')
  byId() {
    return 'by id';
  }

  @Cors(false)
  @Get('me')
  me() {
    return 'me';
  }
}

@Module({ imports: [CorsModule.forRoot({ origin: [APP] })], controllers: [UsersController] })
class OverlapModule {}

describe.each(platforms)('when two routes match one path, on %s', (platform: Platform) => {
  let server: Started;
  beforeAll(async () => {
    server = await start(platform, OverlapModule);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('applies the policy of the handler the router picks (Express: first registered; Fastify: static first)', async () => {
    const reply = await send(server.port, 'GET', '/users/me', [['origin', APP]]);
    if (platform === 'express') {
      expect(reply.body).toBe('by id');
      expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': APP });
    } else {
      expect(reply.body).toBe('me');
      expect(corsHeaders(reply)).toEqual({});
    }
    const pre = await send(server.port, 'OPTIONS', '/users/me', preflight(APP, 'GET'));
    expect(pre.status).toBe(platform === 'express' ? 204 : 403);
  });
});

@Controller('items')
class ItemsController {
  @Get('latest')
  latest() {
    return 'latest';
  }

  @Cors({ origin: [ADMIN] })
  @Post(':id')
  update() {
    return 'updated';
  }

  @Cors(false)
  @Get('off')
  off() {
    return 'off';
  }

  @Cors({ origin: [ADMIN], preflightContinue: true })
  @All('any')
  any() {
    return 'any';
  }

  @Get('own-options')
  ownOptionsGet() {
    return 'get';
  }

  @Options('own-options')
  ownOptions() {
    return 'own options route';
  }

  @Cors(false)
  @Head('head-only')
  headOnly() {
    return '';
  }
}

@Module({
  imports: [CorsModule.forRoot({ origin: [APP], preflightContinue: true })],
  controllers: [ItemsController],
})
class ItemsModule {}

describe.each(platforms)("the platform's router decides, on %s", (platform: Platform) => {
  let server: Started;
  beforeAll(async () => {
    server = await start(platform, ItemsModule);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('routes a preflight by the method it asks about, past a static path that has no such method', async () => {
    // POST /items/latest reaches POST /items/:id, not GET /items/latest.
    const fromAdmin = await send(server.port, 'OPTIONS', '/items/latest', preflight(ADMIN, 'POST'));
    expect(fromAdmin.status).toBe(204);
    expect(fromAdmin.headers['access-control-allow-origin']).toBe(ADMIN);
    const fromApp = await send(server.port, 'OPTIONS', '/items/latest', preflight(APP, 'POST'));
    expect(fromApp.status).toBe(403);
  });

  it('gives HEAD the policy of the GET handler that serves it, and of an explicit HEAD handler', async () => {
    const head = await send(server.port, 'HEAD', '/items/off', [['origin', APP]]);
    expect(head.status).toBe(200);
    expect(corsHeaders(head)).toEqual({});
    const headPreflight = await send(server.port, 'OPTIONS', '/items/off', preflight(APP, 'HEAD'));
    expect(headPreflight.status).toBe(403);
    const explicit = await send(server.port, 'HEAD', '/items/head-only', [['origin', APP]]);
    expect(corsHeaders(explicit)).toEqual({});
  });

  it('gives every method of an @All() handler its policy, and lets a passed-on preflight reach it', async () => {
    const put = await send(server.port, 'PUT', '/items/any', [['origin', ADMIN]]);
    expect(put.body).toBe('any');
    expect(corsHeaders(put)).toEqual({ 'access-control-allow-origin': ADMIN });
    // Its policy passes allowed preflights on: to the OPTIONS the @All() handler serves.
    const passed = await send(server.port, 'OPTIONS', '/items/any', preflight(ADMIN, 'PUT'));
    expect(passed.body).toBe('any');
    expect(passed.headers['access-control-allow-origin']).toBe(ADMIN);
  });

  it("lets a passed-on preflight reach the application's own OPTIONS handler", async () => {
    const passed = await send(server.port, 'OPTIONS', '/items/own-options', preflight(APP, 'GET'));
    expect(passed.body).toBe('own options route');
    expect(passed.headers['access-control-allow-origin']).toBe(APP);
  });

  it('answers 404, as without CORS, to a passed-on preflight no OPTIONS handler serves', async () => {
    const passed = await send(server.port, 'OPTIONS', '/items/latest', preflight(APP, 'GET'));
    expect(passed.status).toBe(404);
    expect(passed.headers['access-control-allow-origin']).toBe(APP);
  });
});

class BaseController {
  @Get('inherited')
  inherited() {
    return 'inherited';
  }
}

@Cors({ origin: [ADMIN] })
@Controller('derived')
class DerivedController extends BaseController {
  @Get('own')
  own() {
    return 'own';
  }
}

@Module({ imports: [CorsModule.forRoot({ origin: [APP] })], controllers: [DerivedController] })
class InheritanceModule {}

describe.each(platforms)("a controller's @Cors() and inherited handlers, on %s", (platform) => {
  let server: Started;
  beforeAll(async () => {
    server = await start(platform, InheritanceModule);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('covers the handlers the controller declares; an inherited one keeps the policy of the class declaring it', async () => {
    const own = await send(server.port, 'GET', '/derived/own', [['origin', ADMIN]]);
    expect(corsHeaders(own)).toEqual({ 'access-control-allow-origin': ADMIN });
    const inherited = await send(server.port, 'GET', '/derived/inherited', [['origin', APP]]);
    expect(inherited.body).toBe('inherited');
    expect(corsHeaders(inherited)).toEqual({ 'access-control-allow-origin': APP });
  });
});
