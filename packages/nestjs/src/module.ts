/**
 * `CorsModule`: compiles the policy when the module's options resolve, then, once the routes are
 * known (`onModuleInit`), builds the route table and installs one step in front of everything else
 * the application runs (body parsers, Nest middleware, routing, guards, 404s, error handlers).
 *
 * Where the step goes: both of Nest's HTTP adapters run a request hook (`setOnRequestHook`) first
 * of all, on Express as the first layer of the app and on Fastify as its first `onRequest` hook.
 * Nest's `MiddlewareConsumer` would not do: with a global prefix, `forRoutes('*')` only covers
 * paths under the prefix, and on Express it runs after the body parsers, whose errors would then
 * go out without CORS headers.
 */
import {
  ConfigurableModuleBuilder,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorsError } from '@cors/core';
import { createCorsStep, type CorsStep } from './handle.js';
import { compileCors, type CompiledCors, type CorsModuleOptions } from './options.js';
import { buildRouteTable, type RoutingAdapter } from './route-table.js';

/** Code of the error thrown when Nest's own CORS (`enableCors`, `cors: true`) is on as well. */
export const ERR_CORS_NEST_ENABLE_CORS = 'ERR_CORS_NEST_ENABLE_CORS';
/** Code of the error thrown when the HTTP adapter is neither Express nor Fastify. */
export const ERR_CORS_NEST_PLATFORM = 'ERR_CORS_NEST_PLATFORM';
/** Code of the error thrown when `CorsModule` is set up twice in one application. */
export const ERR_CORS_NEST_DUPLICATE = 'ERR_CORS_NEST_DUPLICATE';

/** The injection token of the compiled module policy. */
export const CORS_MODULE_POLICY = Symbol.for('@cors/nestjs:module-policy');

const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE: _OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: _ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** The injection token of the options given to `forRoot` / produced by `forRootAsync`. */
export const CORS_MODULE_OPTIONS: string | symbol = MODULE_OPTIONS_TOKEN;
/** The type of `CorsModule.forRoot()`'s argument. */
export type CorsModuleForRootOptions = typeof _OPTIONS_TYPE;
/** The type of `CorsModule.forRootAsync()`'s argument. */
export type CorsModuleForRootAsyncOptions = typeof _ASYNC_OPTIONS_TYPE;

interface NestAdapter extends RoutingAdapter {
  enableCors?(...args: unknown[]): unknown;
  setOnRequestHook?(hook: (...args: never[]) => unknown): void;
}

type NextFunction = (error?: unknown) => void;
type ExpressHook = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;
interface FastifyRequestLike {
  raw: IncomingMessage;
}
interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): unknown;
}
type FastifyHook = (
  request: FastifyRequestLike,
  reply: FastifyReplyLike,
  done: NextFunction,
) => void;

const installed = new WeakSet<object>();
const guarded = new WeakSet<object>();

function nestCorsError(): CorsError {
  return new CorsError(
    ERR_CORS_NEST_ENABLE_CORS,
    "CorsModule handles CORS for this application, but Nest's own CORS is enabled too " +
      '(app.enableCors(), or NestFactory.create(..., { cors: ... })). Both would answer preflights and write ' +
      'CORS response headers, with different rules. Remove app.enableCors() and the `cors` option, and ' +
      'configure CorsModule.forRoot(...) instead.',
  );
}

/** From now on, `app.enableCors()` (and `cors: true`, which calls it) throws. */
function guardEnableCors(adapter: NestAdapter): void {
  if (guarded.has(adapter)) return;
  guarded.add(adapter);
  adapter.enableCors = () => {
    throw nestCorsError();
  };
}

/** Nest's CORS turned on before the guard was in place (e.g. with @nestjs/testing). */
function hasNestCors(adapter: NestAdapter): boolean {
  const instance = adapter.getInstance() as {
    router?: { stack?: { handle?: { name?: string } }[] };
    hasRequestDecorator?(name: string): boolean;
  };
  if (adapter.getType() === 'fastify')
    return instance.hasRequestDecorator?.('corsPreflightEnabled') === true;
  // `enableCors` is `app.use(cors(options))`; the `cors` package names its middleware.
  return instance.router?.stack?.some((layer) => layer?.handle?.name === 'corsMiddleware') === true;
}

function installExpress(adapter: NestAdapter, step: CorsStep): void {
  const previous = (adapter as { onRequestHook?: ExpressHook }).onRequestHook;
  const proceed: ExpressHook = previous ?? ((_req, _res, next) => next());
  const hook: ExpressHook = (req, res, next) => {
    let ended: boolean | Promise<boolean>;
    try {
      ended = step(req, res);
    } catch (error) {
      next(error);
      return;
    }
    if (ended === true) return;
    if (ended === false) {
      proceed(req, res, next);
      return;
    }
    ended.then((done) => {
      if (!done) proceed(req, res, next);
    }, next);
  };
  (adapter.setOnRequestHook as (hook: ExpressHook) => void).call(adapter, hook);
}

function installFastify(adapter: NestAdapter, step: CorsStep): void {
  const previous = (adapter as { onRequestHook?: FastifyHook }).onRequestHook;
  const proceed: FastifyHook = previous ?? ((_request, _reply, done) => done());
  const instance = adapter.getInstance() as {
    addHook(
      name: 'onReady',
      hook: (this: { hasRequestDecorator(name: string): boolean }) => Promise<void>,
    ): void;
  };
  // `app.enableCors()` registers @fastify/cors, which only loads when Fastify gets ready.
  instance.addHook('onReady', async function () {
    if (this.hasRequestDecorator('corsPreflightEnabled')) throw nestCorsError();
  });
  const hook: FastifyHook = (request, reply, done) => {
    let ended: boolean | Promise<boolean>;
    try {
      ended = step(request.raw, reply.raw);
    } catch (error) {
      done(error);
      return;
    }
    if (ended === true) {
      // The raw response is ended: Fastify must not send its own.
      reply.hijack();
      return;
    }
    if (ended === false) {
      proceed(request, reply, done);
      return;
    }
    ended.then((end) => {
      if (end) reply.hijack();
      else proceed(request, reply, done);
    }, done);
  };
  (adapter.setOnRequestHook as (hook: FastifyHook) => void).call(adapter, hook);
}

/** Installs CORS on the application's HTTP adapter; provided by {@link CorsModule}. */
@Injectable()
export class CorsInstaller implements OnModuleInit {
  constructor(
    @Inject(CORS_MODULE_POLICY) private readonly moduleCors: CompiledCors,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(ApplicationConfig) private readonly config: ApplicationConfig,
  ) {
    // With NestFactory.create the adapter exists already: `cors: true` and `app.enableCors()`
    // then fail where they are called.
    const adapter = adapterHost.httpAdapter as unknown as NestAdapter | undefined;
    if (adapter !== undefined && adapter !== null) guardEnableCors(adapter);
  }

  /** Runs after Nest registered the routes and before the server listens. */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as unknown as NestAdapter | undefined;
    // An application context without HTTP (a worker, a CLI) has nothing to do.
    if (adapter === undefined || adapter === null) return;
    const type = adapter.getType();
    if (
      (type !== 'express' && type !== 'fastify') ||
      typeof adapter.setOnRequestHook !== 'function'
    ) {
      throw new CorsError(
        ERR_CORS_NEST_PLATFORM,
        `CorsModule supports @nestjs/platform-express and @nestjs/platform-fastify; this application runs on "${type}".`,
      );
    }
    if (installed.has(adapter)) {
      throw new CorsError(
        ERR_CORS_NEST_DUPLICATE,
        'CorsModule.forRoot()/forRootAsync() is imported more than once in this application; import it once ' +
          '(in the root module, with isGlobal if needed) and use @Cors() for per-route policies.',
      );
    }
    if (hasNestCors(adapter)) throw nestCorsError();
    guardEnableCors(adapter);
    installed.add(adapter);
    const table = buildRouteTable({
      modules: this.modules,
      config: this.config,
      adapter,
      moduleCors: this.moduleCors,
    });
    const step = createCorsStep(this.moduleCors, table);
    if (type === 'express') installExpress(adapter, step);
    else installFastify(adapter, step);
  }
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
      useFactory: (options: CorsModuleOptions): CompiledCors =>
        Object.freeze(compileCors(options, 'CorsModule.forRoot()')),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    CorsInstaller,
  ],
  exports: [CORS_MODULE_POLICY],
})
export class CorsModule extends ConfigurableModuleClass {}
