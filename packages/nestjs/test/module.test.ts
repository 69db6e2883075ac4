/**
 * CorsModule's set-up: options from other providers, global export, compile-once failures at
 * start-up, async origin functions, and refusing Nest's own CORS next to it.
 */
import { Controller, Get, Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createCorsPolicy, isCorsConfigError, isCorsPolicy, type CorsPolicy } from '@cors/core';
import { describe, expect, it } from 'vitest';
import {
  Cors,
  CORS_MODULE_POLICY,
  CorsModule,
  ERR_CORS_NEST_DUPLICATE,
  ERR_CORS_NEST_ENABLE_CORS,
  type CompiledCors,
} from '../src/index.js';
import {
  adapterFor,
  corsHeaders,
  observable,
  platforms,
  send,
  start,
  type Platform,
} from './helpers.js';

const APP = 'https://app.example.com';

@Controller('hello')
class HelloController {
  @Get()
  hello() {
    return 'hello';
  }
}

/** Stands in for @nestjs/config: a provider the factory reads the allowed origins from. */
const SETTINGS = Symbol('SETTINGS');
interface Settings {
  allowedOrigins: string[];
}

@Module({
  providers: [
    { provide: SETTINGS, useFactory: async (): Promise<Settings> => ({ allowedOrigins: [APP] }) },
  ],
  exports: [SETTINGS],
})
class SettingsModule {}

@Module({
  imports: [
    CorsModule.forRootAsync({
      imports: [SettingsModule],
      inject: [SETTINGS],
      useFactory: async (settings: Settings) => ({ origin: settings.allowedOrigins, maxAge: 60 }),
    }),
  ],
  controllers: [HelloController],
})
class AsyncOptionsModule {}

@Injectable()
class PolicyReader {
  constructor(@Inject(CORS_MODULE_POLICY) readonly cors: CompiledCors) {}
}

@Module({ providers: [PolicyReader], exports: [PolicyReader] })
class FeatureModule {}

@Module({
  imports: [CorsModule.forRoot({ origin: [APP], isGlobal: true }), FeatureModule],
  controllers: [HelloController],
})
class GlobalModule {}

const expectCorsError = async (promise: Promise<unknown>, code: string) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected an error').toBeInstanceOf(Error);
  expect((error as { code?: string }).code).toBe(code);
  return error as Error;
};

describe.each(platforms)('CorsModule on %s', (platform: Platform) => {
  it('takes its options from another provider with forRootAsync', async () => {
    const server = await start(platform, AsyncOptionsModule);
    try {
      const allowed = await send(server.port, 'OPTIONS', '/hello', [
        ['origin', APP],
        ['access-control-request-method', 'PUT'],
      ]);
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-max-age']).toBe('60');
      const denied = await send(server.port, 'GET', '/hello', [
        ['origin', 'https://other.example.com'],
      ]);
      expect(corsHeaders(denied)).toEqual({});
    } finally {
      await server.close();
    }
  });

  it('exports the compiled policy everywhere with isGlobal', async () => {
    const server = await start(platform, GlobalModule);
    try {
      const reader = server.app.get(PolicyReader);
      expect((reader.cors.policy as CorsPolicy).options.origin).toEqual([APP]);
    } finally {
      await server.close();
    }
  });

  it('fails at start-up with CorsConfigError listing every problem of the options', async () => {
    @Module({
      imports: [
        CorsModule.forRoot({
          origin: ['https://app.example.com/', '*.example.com'],
          maxAge: -1,
        } as never),
      ],
    })
    class BadModule {}
    const error = await expectCorsError(
      NestFactory.create(BadModule, adapterFor(platform), { logger: false, abortOnError: false }),
      'ERR_CORS_CONFIG',
    );
    expect(isCorsConfigError(error)).toBe(true);
    expect((error as unknown as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(3);
  });

  it('fails at start-up when forRootAsync resolves to bad options', async () => {
    @Module({
      imports: [
        CorsModule.forRootAsync({
          useFactory: () => ({ origin: '*', credentials: true }) as never,
        }),
      ],
    })
    class BadAsyncModule {}
    await expectCorsError(
      NestFactory.create(BadAsyncModule, adapterFor(platform), {
        logger: false,
        abortOnError: false,
      }),
      'ERR_CORS_CONFIG',
    );
  });

  it('accepts a policy built ahead with createCorsPolicy', async () => {
    const policy: CorsPolicy = createCorsPolicy({ origin: [APP], exposedHeaders: ['ETag'] });
    @Module({ imports: [CorsModule.forRoot({ policy })], controllers: [HelloController] })
    class PrebuiltModule {}
    const server = await start(platform, PrebuiltModule);
    try {
      const reply = await send(server.port, 'GET', '/hello', [['origin', APP]]);
      expect(corsHeaders(reply)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-expose-headers': 'etag',
      });
    } finally {
      await server.close();
    }
  });

  it('waits for an async origin function, and sends its failure to Nest as a 500 instead of hanging', async () => {
    @Module({
      imports: [
        CorsModule.forRoot({
          origin: async (origin: string) => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            if (origin === 'https://broken.example.com') throw new Error('origin store is down');
            return origin === APP;
          },
        }),
      ],
      controllers: [HelloController],
    })
    class AsyncOriginModule {}
    const server = await start(platform, AsyncOriginModule);
    try {
      const allowed = await send(server.port, 'OPTIONS', '/hello', [
        ['origin', APP],
        ['access-control-request-method', 'PUT'],
      ]);
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(APP);
      const actual = await send(server.port, 'GET', '/hello', [['origin', APP]]);
      expect(actual.body).toBe('hello');
      expect(actual.headers['access-control-allow-origin']).toBe(APP);
      const failed = await send(server.port, 'GET', '/hello', [
        ['origin', 'https://broken.example.com'],
      ]);
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.body)).toEqual({
        statusCode: 500,
        message: 'Internal server error',
      });
      expect(corsHeaders(failed)).toEqual({});
    } finally {
      await server.close();
    }
  });

  it('refuses app.enableCors() with ERR_CORS_NEST_ENABLE_CORS', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: [APP] })], controllers: [HelloController] })
    class Mod {}
    const app = await NestFactory.create(Mod, adapterFor(platform), {
      logger: false,
      abortOnError: false,
    });
    try {
      let thrown: unknown;
      try {
        app.enableCors();
      } catch (error) {
        thrown = error;
      }
      expect((thrown as { code?: string }).code).toBe(ERR_CORS_NEST_ENABLE_CORS);
      expect((thrown as Error).message).toMatch(/Remove app\.enableCors\(\) and the `cors` option/);
    } finally {
      await app.close();
    }
  });

  it('refuses NestFactory.create(..., { cors: true }) at start-up', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: [APP] })], controllers: [HelloController] })
    class Mod {}
    const app = await NestFactory.create(Mod, adapterFor(platform), {
      logger: false,
      abortOnError: false,
      cors: true,
    });
    try {
      await expectCorsError(app.listen(0, '127.0.0.1'), ERR_CORS_NEST_ENABLE_CORS);
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  it('refuses Nest CORS enabled before the module could guard it (@nestjs/testing)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRoot({ origin: [APP] })],
      controllers: [HelloController],
    }).compile();
    const app: INestApplication = moduleRef.createNestApplication(adapterFor(platform) as never, {
      logger: false,
    });
    app.enableCors({ origin: APP });
    try {
      await expectCorsError(app.listen(0, '127.0.0.1'), ERR_CORS_NEST_ENABLE_CORS);
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  it('works in an application made with @nestjs/testing', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRoot({ origin: [APP] })],
      controllers: [HelloController],
    }).compile();
    const app: INestApplication = moduleRef.createNestApplication(adapterFor(platform) as never, {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    try {
      const port = (app.getHttpServer().address() as { port: number }).port;
      const reply = await send(port, 'GET', '/hello', [['origin', APP]]);
      expect(corsHeaders(reply)).toEqual({ 'access-control-allow-origin': APP });
    } finally {
      await app.close();
    }
  });

  it('refuses to be set up twice in one application', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: [APP] })] })
    class First {}
    @Module({ imports: [CorsModule.forRoot({ origin: ['https://other.example.com'] })] })
    class Second {}
    @Module({ imports: [First, Second], controllers: [HelloController] })
    class Both {}
    const app = await NestFactory.create(Both, adapterFor(platform), {
      logger: false,
      abortOnError: false,
    });
    try {
      await expectCorsError(app.listen(0, '127.0.0.1'), ERR_CORS_NEST_DUPLICATE);
    } finally {
      await app.close().catch(() => undefined);
    }
  });
});

describe('CorsModule outside HTTP', () => {
  it('does nothing in an application context without an HTTP server', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: [APP] })] })
    class Worker {}
    const context = await NestFactory.createApplicationContext(Worker, {
      logger: false,
      abortOnError: false,
    });
    await context.init();
    expect(isCorsPolicy(context.get<CompiledCors>(CORS_MODULE_POLICY).policy)).toBe(true);
    await context.close();
  });
});

describe('@Cors()', () => {
  it('compiles its options when applied: a bad option throws CorsConfigError at class definition', () => {
    let thrown: unknown;
    try {
      Cors({ origin: '*', credentials: true } as never);
    } catch (error) {
      thrown = error;
    }
    expect(isCorsConfigError(thrown)).toBe(true);
  });

  it('refuses a non-function onDecision', () => {
    expect(() => Cors({ origin: [APP], onDecision: 'log' } as never)).toThrow(/onDecision/);
  });

  it('gives the same answers with an async origin on both platforms', async () => {
    @Cors({ origin: async (origin: string) => origin === APP })
    @Controller('async')
    class AsyncController {
      @Get()
      get() {
        return 'async';
      }
    }
    @Module({
      imports: [CorsModule.forRoot({ origin: ['https://other.example.com'] })],
      controllers: [AsyncController],
    })
    class Mod {}
    const servers = await Promise.all(platforms.map((platform) => start(platform, Mod)));
    try {
      for (const headers of [
        [['origin', APP]],
        [['origin', 'https://other.example.com']],
        [
          ['origin', APP],
          ['access-control-request-method', 'DELETE'],
        ],
      ] as [string, string][][]) {
        const method = headers.length > 1 ? 'OPTIONS' : 'GET';
        const [a, b] = await Promise.all(
          servers.map((server) => send(server.port, method, '/async', headers)),
        );
        expect(observable(b!)).toEqual(observable(a!));
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });
});
