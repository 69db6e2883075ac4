/**
 * `CorsModule`: compiles the policy when the module's options resolve, then, before Nest registers
 * the routes (`configure`, which Nest runs before it does), installs one step in front of
 * everything else the application runs (body parsers, Nest middleware, routing, guards, 404s,
 * error handlers), and on Fastify starts watching the routes Nest registers (see routes.ts).
 *
 * Where the step goes: both of Nest's HTTP adapters run a request hook (`setOnRequestHook`) first
 * of all, on Express as the first layer of the app and on Fastify as its first `onRequest` hook.
 * Nest's `MiddlewareConsumer` would not do: with a global prefix, `forRoutes('*')` only covers
 * paths under the prefix, and on Express it runs after the body parsers, whose errors would then
 * go out without CORS headers.
 */
import {
  ConfigurableModuleBuilder,
  type ConfigurableModuleAsyncOptions,
  Inject,
  Module,
  type NestModule,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorsError, type CorsReply } from '@cors/core';
import { settleCors } from '@cors/node';
import { createCorsStep, createFastifyCorsStep } from './handle.js';
import { compileCors, type CompiledCors, type CorsModuleOptions } from './options.js';
import { expressRoute, type ExpressApp, fastifyRoutes, type FastifyRequestLike } from './routes.js';

/** Code of the error thrown when Nest's own CORS (`enableCors`, `cors: true`) is on as well. */
export const ERR_CORS_NEST_ENABLE_CORS = 'ERR_CORS_NEST_ENABLE_CORS';
/** Code of the error thrown when the HTTP adapter is neither Express nor Fastify. */
export const ERR_CORS_NEST_PLATFORM = 'ERR_CORS_NEST_PLATFORM';
/** Code of the error thrown when `CorsModule` is set up twice in one application. */
export const ERR_CORS_NEST_DUPLICATE = 'ERR_CORS_NEST_DUPLICATE';

/** The injection token of the compiled module policy. */
export const CORS_MODULE_POLICY = Symbol.for('@cors/nestjs:module-policy');

/** What `forRoot` and `forRootAsync` take besides the options. */
interface CorsModuleExtras {
  /** Makes the module's exports (`CORS_MODULE_POLICY`) injectable everywhere. @default false */
  isGlobal?: boolean;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } =
  new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
    .setClassMethodName('forRoot')
    .setExtras<CorsModuleExtras>({ isGlobal: false }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();

/** The injection token of the options given to `forRoot` / produced by `forRootAsync`. */
export const CORS_MODULE_OPTIONS: string | symbol = MODULE_OPTIONS_TOKEN;
/** The type of `CorsModule.forRoot()`'s argument. */
export type CorsModuleForRootOptions = CorsModuleOptions & CorsModuleExtras;
/** The type of `CorsModule.forRootAsync()`'s argument. */
export type CorsModuleForRootAsyncOptions = ConfigurableModuleAsyncOptions<CorsModuleOptions> &
  CorsModuleExtras;

type NextFunction = (error?: unknown) => void;
type RequestHook = (...args: never[]) => void;

interface NestAdapter {
  getType(): string;
  getInstance(): unknown;
  enableCors?(...args: unknown[]): unknown;
  setOnRequestHook(hook: RequestHook): void;
  /** The hook someone set before us (Nest's own field), run after ours. */
  onRequestHook?: RequestHook;
}

interface FastifyInstanceLike {
  addHook(name: 'onReady', hook: (this: FastifyInstanceLike) => Promise<void>): void;
  hasRequestDecorator(name: string): boolean;
  addConstraintStrategy(strategy: object): void;
  route(options: object): unknown;
}

const installed = new WeakSet<object>();

function nestCorsError(): CorsError {
  return new CorsError(
    ERR_CORS_NEST_ENABLE_CORS,
    "CorsModule handles CORS for this application, but Nest's own CORS is enabled too (app.enableCors(), or NestFactory.create(..., { cors: ... })). Both would answer preflights and write CORS response headers, with different rules. Remove app.enableCors() and the `cors` option, and configure CorsModule.forRoot(...) instead.",
  );
}

/** From now on, `app.enableCors()` (and `cors: true`, which calls it) throws. */
function guardEnableCors(adapter: NestAdapter): void {
  adapter.enableCors = () => {
    throw nestCorsError();
  };
}

/** Installs the step; on Fastify, returns what adds the preflight routes once routes are known. */
function install(adapter: NestAdapter, moduleCors: CompiledCors): (() => void) | undefined {
  const previous = adapter.onRequestHook as ((...args: unknown[]) => void) | undefined;
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstanceLike;
    // `app.enableCors()` registers @fastify/cors, which only loads when Fastify gets ready.
    fastify.addHook('onReady', async function () {
      if (this.hasRequestDecorator('corsPreflightEnabled')) throw nestCorsError();
    });
    const routes = fastifyRoutes(adapter as unknown as Record<string, unknown>, fastify);
    const step = createFastifyCorsStep(moduleCors, routes.routeCors);
    // The reply answers a preflight or a refusal itself; `done` is not called then.
    adapter.setOnRequestHook(
      (request: FastifyRequestLike, reply: CorsReply, done: NextFunction) => {
        const proceed = previous ? () => previous(request, reply, done) : done;
        settleCors(() => step(request, reply), { proceed, fail: done });
      },
    );
    return routes.routePreflights;
  }
  if (adapter.getType() !== 'express') {
    throw new CorsError(
      ERR_CORS_NEST_PLATFORM,
      `CorsModule supports @nestjs/platform-express and @nestjs/platform-fastify; this application runs on "${adapter.getType()}".`,
    );
  }
  const app = adapter.getInstance() as ExpressApp;
  // Nest's CORS turned on before the guard was in place (with @nestjs/testing, say): `enableCors`
  // is `app.use(cors(options))`, and the `cors` package names its middleware.
  if (app.router.stack.some((layer) => layer.handle?.name === 'corsMiddleware'))
    throw nestCorsError();
  const step = createCorsStep(moduleCors);
  adapter.setOnRequestHook((req: IncomingMessage, res: ServerResponse, next: NextFunction) => {
    const proceed = previous ? () => previous(req, res, next) : next;
    settleCors(() => step(req, res, expressRoute(app, req)), { proceed, fail: next });
  });
}

/**
 * CORS for a Nest application on Express or Fastify, with the same answers on both.
 *
 * - `CorsModule.forRoot(options)`: the core's options (`origin` is required) plus `onDecision`, or
 *   `{ policy }` with a prebuilt policy; `isGlobal: true` to make its providers global.
 * - `CorsModule.forRootAsync({ imports, useFactory, inject })`: options from other providers.
 *
 * The policy is compiled when the options resolve: a mistake throws `CorsConfigError` (listing
 * every problem) while the application starts. Import the module once, in the root module, and
 * do not also call `app.enableCors()` or pass `cors` to `NestFactory.create` (that throws
 * `ERR_CORS_NEST_ENABLE_CORS`). Per-route policies: {@link Cors}.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true })],
 *   controllers: [AppController],
 * })
 * export class AppModule {}
 * ```
 * @example
 * ```ts
 * CorsModule.forRootAsync({
 *   imports: [SettingsModule],
 *   inject: [SETTINGS],
 *   useFactory: (settings: Settings) => ({ origin: settings.allowedOrigins }),
 * })
 * ```
 */
@Module({
  providers: [
    {
      provide: CORS_MODULE_POLICY,
      useFactory: (options: CorsModuleOptions) => compileCors(options, 'CorsModule.forRoot()'),
      inject: [MODULE_OPTIONS_TOKEN],
    },
  ],
  exports: [CORS_MODULE_POLICY],
})
export class CorsModule extends ConfigurableModuleClass implements NestModule, OnModuleInit {
  private routePreflights: (() => void) | undefined;

  constructor(
    @Inject(CORS_MODULE_POLICY) private readonly moduleCors: CompiledCors,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
    // With NestFactory.create the adapter exists already: `cors: true` and `app.enableCors()`
    // then fail where they are called.
    const adapter = adapterHost.httpAdapter as unknown as NestAdapter | undefined;
    if (adapter !== undefined && adapter !== null) guardEnableCors(adapter);
  }

  /** Runs in HTTP applications only, before Nest registers the routes. */
  configure(): void {
    const adapter = this.adapterHost.httpAdapter as unknown as NestAdapter;
    if (installed.has(adapter)) {
      throw new CorsError(
        ERR_CORS_NEST_DUPLICATE,
        'CorsModule.forRoot()/forRootAsync() is imported more than once in this application; import it once (in the root module, with isGlobal if needed) and use @Cors() for per-route policies.',
      );
    }
    guardEnableCors(adapter);
    installed.add(adapter);
    this.routePreflights = install(adapter, this.moduleCors);
  }

  /** Runs once Nest has registered the routes, before the server listens. */
  onModuleInit(): void {
    this.routePreflights?.();
  }
}
