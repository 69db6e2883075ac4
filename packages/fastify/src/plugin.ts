/**
 * The Fastify plugin: one hook that translates a request into the core's terms and the decision
 * back into reply headers, an OPTIONS catch-all so that preflights reach every path, and an
 * `onRoute` hook that compiles each route's `config.cors` once, at start-up.
 */
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  LogLevel,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  appendVary,
  corsRequestFromHeaderRecord,
  createCorsPolicy,
  CorsError,
  isCorsConfigError,
  isCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';
import { createRouteTable, type RouteEntry } from './routes.js';

/**
 * The request hooks the plugin can decide in, earliest first. See the README's "Which hook".
 * @default 'onRequest'
 * @example { origin: ['https://app.example.com'], hook: 'preHandler' }
 */
export type CorsHook = 'onRequest' | 'preParsing' | 'preValidation' | 'preHandler';

/**
 * Called once per decided request, after the decision and before its headers are set: for logging
 * and metrics. The decision is frozen and shared between requests; read it, never change it. An
 * error thrown here goes to Fastify's error handler.
 *
 * @example
 * onDecision: (decision, request) => {
 *   if (!decision.allowed) request.log.warn({ reason: decision.reason }, decision.message);
 * }
 */
export type CorsDecisionListener = (decision: CorsDecision, request: FastifyRequest) => void;

/** The plugin's own options, on top of the core's. */
export interface FastifyCorsPluginOptions {
  /**
   * The request hook that decides. `onRequest` answers preflights before body parsing, validation
   * and authentication hooks, and puts CORS headers on every later error (400 from validation,
   * 401 from auth, 404, 500). A later hook lets earlier hooks and errors go without CORS headers.
   * @default 'onRequest'
   * @example hook: 'preHandler'
   */
  hook?: CorsHook;
  /**
   * Hide the plugin's OPTIONS catch-all route from documentation generators (`schema.hide`).
   * @default true
   */
  hideOptionsRoute?: boolean;
  /**
   * The log level of the OPTIONS catch-all route, e.g. `'silent'` to keep preflights out of the
   * request log.
   * @default the scope's log level
   * @example logLevel: 'warn'
   */
  logLevel?: LogLevel;
  /**
   * See {@link CorsDecisionListener}.
   * @default undefined
   */
  onDecision?: CorsDecisionListener;
}

/** A policy made by `createCorsPolicy`, given to the plugin instead of options. */
export interface FastifyCorsPolicyOption {
  /**
   * A policy made once by `createCorsPolicy`, e.g. to share it with other servers.
   * @example policy: createCorsPolicy({ origin: ['https://app.example.com'] })
   */
  policy: CorsPolicy;
}

/**
 * The options of {@link corsPlugin}: the core's {@link @cors/core!CorsOptions | CorsOptions} or `{ policy }`, plus
 * {@link FastifyCorsPluginOptions}. A bare `CorsPolicy` is accepted too.
 *
 * @example
 * { origin: ['https://app.example.com'], credentials: true, hook: 'onRequest' }
 */
export type FastifyCorsOptions =
  | (((CorsOptions & { policy?: never }) | FastifyCorsPolicyOption) & FastifyCorsPluginOptions)
  | CorsPolicy;

/**
 * What a route's `config.cors` may be: `false` (no CORS headers on this route, `onDecision` not
 * called, and its preflights are refused), options for the core, or a policy made by
 * `createCorsPolicy`. Absent: the policy given to the plugin.
 *
 * @example
 * app.put('/admin/users/:id', { config: { cors: { origin: ['https://admin.example.com'] } } }, handler);
 */
export type FastifyRouteCorsConfig = false | CorsOptions | CorsPolicy;

const PLUGIN_NAME = '@cors/fastify';
const HOOKS: readonly string[] = ['onRequest', 'preParsing', 'preValidation', 'preHandler'];
const PLUGIN_OPTIONS: ReadonlySet<string> = new Set([
  'hook',
  'hideOptionsRoute',
  'logLevel',
  'onDecision',
  'policy',
]);

/** Marks a scope that has the plugin; a symbol from the registry, so two copies see each other. */
const kRegistered = Symbol.for('@cors/fastify.registered');
/** Marks the plugin's own OPTIONS routes in their config. */
const kCatchAll = Symbol.for('@cors/fastify.catchAll');
/** A route's compiled `config.cors`, put into the route's config by `onRoute`. */
const kRoutePolicy = Symbol.for('@cors/fastify.routePolicy');

type RouteConfig = Record<string | symbol, unknown> | undefined;

/**
 * The policy of a preflight whose route has `cors: false`: it allows no origin, so the preflight is
 * answered as refused and never reaches the route, and the answer comes from the core like any
 * other (with a reason, for `onDecision`).
 */
let disabledPolicy: CorsPolicy | undefined;
function corsDisabledForRoute(): boolean {
  return false;
}
function getDisabledPolicy(): CorsPolicy {
  disabledPolicy ??= createCorsPolicy({ origin: corsDisabledForRoute });
  return disabledPolicy;
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function pluginError(code: string, message: string): CorsError {
  return new CorsError(code, message);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function varyOf(reply: FastifyReply): string | undefined {
  const vary = reply.getHeader('vary');
  if (vary === undefined) return undefined;
  return Array.isArray(vary) ? vary.join(', ') : String(vary);
}

function describeRoute(method: string | string[], url: string): string {
  return `${Array.isArray(method) ? method.join(',') : method} ${url}`;
}

/** Compiles a route's `config.cors` once; equal option objects are compiled once in all. */
function compileRouteCors(
  cors: unknown,
  method: string | string[],
  url: string,
  cache: WeakMap<object, CorsPolicy>,
): CorsPolicy | null {
  if (cors === false) return null;
  if (isCorsPolicy(cors)) return cors;
  if (typeof cors === 'object' && cors !== null) {
    const cached = cache.get(cors);
    if (cached !== undefined) return cached;
  }
  try {
    const policy = createCorsPolicy(cors as CorsOptions);
    cache.set(cors as object, policy);
    return policy;
  } catch (error) {
    if (isCorsConfigError(error)) {
      error.message = `Route ${describeRoute(method, url)}: config.cors: ${error.message}`;
    }
    throw error;
  }
}

function readOptions(options: FastifyCorsOptions | undefined): {
  policy: CorsPolicy;
  hook: CorsHook;
  hideOptionsRoute: boolean;
  logLevel: LogLevel | undefined;
  onDecision: CorsDecisionListener | undefined;
} {
  if (isCorsPolicy(options)) {
    return {
      policy: options,
      hook: 'onRequest',
      hideOptionsRoute: true,
      logLevel: undefined,
      onDecision: undefined,
    };
  }
  if (typeof options !== 'object' || options === null) {
    // Not options at all: the core's error says what they must look like.
    createCorsPolicy(options as unknown as CorsOptions);
  }
  const all = options as unknown as Record<string, unknown>;
  if ('prefix' in all) {
    throw pluginError(
      'ERR_CORS_PLUGIN_OPTIONS',
      '@cors/fastify: `prefix` has no effect on this plugin, which applies to the scope it is registered in. ' +
        'Register it inside a scope instead: fastify.register(async (api) => { await api.register(corsPlugin, options); ... }, { prefix: "/api" }).',
    );
  }
  const { hook = 'onRequest', hideOptionsRoute = true, logLevel, onDecision, policy } = all;
  if (typeof hook !== 'string' || !HOOKS.includes(hook)) {
    throw pluginError(
      'ERR_CORS_PLUGIN_OPTIONS',
      `@cors/fastify: \`hook\` must be one of ${HOOKS.map((h) => `'${h}'`).join(', ')}; got ${JSON.stringify(hook)}.`,
    );
  }
  if (typeof hideOptionsRoute !== 'boolean') {
    throw pluginError(
      'ERR_CORS_PLUGIN_OPTIONS',
      '@cors/fastify: `hideOptionsRoute` must be true or false.',
    );
  }
  if (logLevel !== undefined && typeof logLevel !== 'string') {
    throw pluginError(
      'ERR_CORS_PLUGIN_OPTIONS',
      "@cors/fastify: `logLevel` must be a log level such as 'info' or 'silent'.",
    );
  }
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    throw pluginError(
      'ERR_CORS_PLUGIN_OPTIONS',
      '@cors/fastify: `onDecision` must be a function (decision, request) => void.',
    );
  }
  const coreOptions: Record<string, unknown> = {};
  for (const key of Object.keys(all)) if (!PLUGIN_OPTIONS.has(key)) coreOptions[key] = all[key];
  let resolved: CorsPolicy;
  if (policy !== undefined) {
    if (!isCorsPolicy(policy)) {
      throw pluginError(
        'ERR_CORS_PLUGIN_OPTIONS',
        '@cors/fastify: `policy` must be a policy made by createCorsPolicy().',
      );
    }
    if (Object.keys(coreOptions).length > 0) {
      throw pluginError(
        'ERR_CORS_PLUGIN_OPTIONS',
        `@cors/fastify: give either \`policy\` or the core's options, not both (found ${Object.keys(coreOptions).join(', ')}).`,
      );
    }
    resolved = policy;
  } else {
    resolved = createCorsPolicy(coreOptions as unknown as CorsOptions);
  }
  return {
    policy: resolved,
    hook: hook as CorsHook,
    hideOptionsRoute,
    logLevel: logLevel as LogLevel | undefined,
    onDecision: onDecision as CorsDecisionListener | undefined,
  };
}

function assertNotRegistered(fastify: FastifyInstance): void {
  if (fastify.hasDecorator(kRegistered)) {
    throw pluginError(
      'ERR_CORS_ALREADY_REGISTERED',
      '@cors/fastify is already registered in this scope or a parent scope: its hook would answer ' +
        'preflights first. Register it once per scope, and give routes their own policy with ' +
        '`config: { cors: ... }`.',
    );
  }
  if (fastify.hasPlugin('@fastify/cors') || fastify.hasRequestDecorator('corsPreflightEnabled')) {
    throw fastifyCorsConflict();
  }
}

function fastifyCorsConflict(): CorsError {
  return pluginError(
    'ERR_CORS_ALREADY_REGISTERED',
    '@cors/fastify and @fastify/cors cannot both handle CORS in the same scope: both answer ' +
      'preflights and both register an OPTIONS catch-all. Remove one of them.',
  );
}

const plugin: FastifyPluginCallback<FastifyCorsOptions> = (fastify, options, done) => {
  let settings: ReturnType<typeof readOptions>;
  try {
    assertNotRegistered(fastify);
    settings = readOptions(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  const { policy: scopePolicy, hook, hideOptionsRoute, logLevel, onDecision } = settings;
  fastify.decorate(kRegistered, true);

  const routes = createRouteTable();
  const compiled = new WeakMap<object, CorsPolicy>();
  // With `preHandler`, `reply.callNotFound()` runs the 404 context's preHandler hooks, this one
  // included, a second time for the same request.
  const decided = hook === 'preHandler' ? new WeakSet<FastifyRequest>() : null;

  // Preflights reach every path: routes that declare only GET or POST, and unknown paths. A request
  // that gets here was not answered by the hook (not a preflight, or `preflightContinue`), so it is
  // handed to the 404 handler as if this route did not exist. An OPTIONS route the app declared
  // earlier for the same pattern wins; the hook still answers preflights that reach it.
  const prefix = fastify.prefix;
  const catchAllOptions = {
    // `hide` is read by @fastify/swagger; it is not a validation schema.
    schema: { hide: hideOptionsRoute } as FastifySchema,
    config: { [kCatchAll]: true },
    ...(logLevel === undefined ? {} : { logLevel }),
  };
  // [path given to fastify.route, the route's URL]: at the root `*`; under a prefix, the prefix
  // itself and everything below it (so `/api*` would be wrong: it also matches `/apix`).
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const catchAll: [path: string, url: string][] =
    prefix === ''
      ? [['*', '*']]
      : [
          ['/*', `${base}/*`],
          ['/', prefix],
        ];
  const catchAllUrls = prefix === '' ? ['*', '/*'] : catchAll.map(([, url]) => url);
  let conflict: CorsError | undefined;
  let moved = 0;

  fastify.addHook('onRoute', function onRoute(routeOptions) {
    const config = routeOptions.config as unknown as RouteConfig;
    const method = routeOptions.method;
    const url = routeOptions.url ?? routeOptions.path;
    const methods = Array.isArray(method) ? method : [method];
    if (config?.[kCatchAll] === true) {
      routes.add(method, url, undefined, undefined, false);
      return;
    }
    if (
      methods.includes('OPTIONS') &&
      url.endsWith('*') &&
      (this.hasPlugin('@fastify/cors') || this.hasRequestDecorator('corsPreflightEnabled'))
    ) {
      // @fastify/cors registers its catch-all from a callback plugin, where a throw (this one, or
      // Fastify's duplicated-route error) escapes as an uncaught exception. So its route is moved
      // out of the way and start-up fails in onReady with an error that says what is wrong.
      conflict ??= fastifyCorsConflict();
      if (catchAllUrls.includes(url)) routeOptions.url = `/__cors-fastify-conflict-${++moved}/*`;
      return;
    }
    let entry: RouteEntry;
    if (config !== undefined && config.cors !== undefined) {
      entry = compileRouteCors(config.cors, method, url, compiled);
      routeOptions.config = { ...config, [kRoutePolicy]: entry } as typeof routeOptions.config;
    }
    const alsoWithTrailingSlash =
      routeOptions.routePath === '' &&
      routeOptions.prefix !== '' &&
      (routeOptions.prefixTrailingSlash ?? 'both') === 'both';
    routes.add(method, url, routeOptions.constraints, entry, alsoWithTrailingSlash);
  });

  fastify.addHook('onReady', function buildRouteTable(ready) {
    if (conflict !== undefined) {
      ready(conflict);
      return;
    }
    try {
      routes.build(fastify);
    } catch (error) {
      ready(error as Error);
      return;
    }
    ready();
  });

  /** The policy for this request, `null` for a route with `cors: false`, or an error. */
  function policyFor(
    request: FastifyRequest,
    requestMethod: string | undefined,
  ): CorsPolicy | null | Error {
    if (requestMethod !== undefined && request.raw.method === 'OPTIONS') {
      // A preflight is decided by the route it asks about, not by the OPTIONS route it reached.
      const headers = request.raw.headers;
      const entry = routes.find(
        requestMethod,
        request.url,
        headers.host,
        headerValue(headers['accept-version']),
      );
      if (entry === null) return getDisabledPolicy();
      return entry ?? scopePolicy;
    }
    const config = request.routeOptions.config as unknown as RouteConfig;
    if (config === undefined) return scopePolicy;
    const entry = config[kRoutePolicy] as RouteEntry;
    if (entry !== undefined) return entry;
    if (config.cors !== undefined) {
      // onRoute never saw this route: it was declared before the plugin ran. Refuse rather than
      // silently apply the scope's policy to a route that asked for its own.
      return pluginError(
        'ERR_CORS_ROUTE_NOT_COMPILED',
        `@cors/fastify: route ${describeRoute(request.routeOptions.method ?? request.method, request.routeOptions.url ?? request.url)} ` +
          'has config.cors but was declared before the plugin was registered. Write ' +
          '`await fastify.register(corsPlugin, options)` before declaring routes, or declare them in a plugin registered after it.',
      );
    }
    return scopePolicy;
  }

  /** Sets the decision's headers; true when the reply was ended (a preflight answered). */
  function applyDecision(
    decision: CorsDecision,
    request: FastifyRequest,
    reply: FastifyReply,
  ): boolean {
    if (onDecision !== undefined) onDecision(decision, request);
    const cors = decision.headers;
    for (const name in cors) reply.header(name, cors[name as keyof typeof cors]);
    const vary = decision.vary;
    if (vary !== '') {
      // The decision's own tokens are already in canonical form: merge only with what is there.
      const existing = varyOf(reply);
      reply.header('vary', existing === undefined ? vary : appendVary(existing, vary));
    }
    if (!decision.end) return false;
    reply.code(decision.status ?? 204).send();
    return true;
  }

  function handleCors(
    request: FastifyRequest,
    reply: FastifyReply,
    done: (error?: Error) => void,
  ): void {
    if (decided !== null) {
      if (decided.has(request)) {
        done();
        return;
      }
      decided.add(request);
    }
    const raw = request.raw;
    const corsRequest = corsRequestFromHeaderRecord(raw.method as string, raw.headers);
    const policy = policyFor(request, corsRequest.requestMethod ?? undefined);
    if (policy === null) {
      done();
      return;
    }
    if (policy instanceof Error) {
      done(policy);
      return;
    }
    const decision = policy.decide(corsRequest);
    if (!isThenable<CorsDecision>(decision)) {
      if (!applyDecision(decision, request, reply)) done();
      return;
    }
    // An async `origin` or `credentials` function: its rejection goes to Fastify's error handler.
    decision.then((resolved) => {
      let ended: boolean;
      try {
        ended = applyDecision(resolved, request, reply);
      } catch (error) {
        done(error as Error);
        return;
      }
      if (!ended) done();
    }, done);
  }

  if (hook === 'preParsing') {
    fastify.addHook('preParsing', (request, reply, _payload, next) =>
      handleCors(request, reply, next),
    );
  } else {
    fastify.addHook(
      hook,
      (request: FastifyRequest, reply: FastifyReply, next: (error?: Error) => void) =>
        handleCors(request, reply, next),
    );
  }

  try {
    for (const [path, url] of catchAll) {
      // find-my-way stores `*` as `/*`.
      if (fastify.hasRoute({ method: 'OPTIONS', url: url === '*' ? '/*' : url })) continue;
      fastify.route({
        method: 'OPTIONS',
        url: path,
        prefixTrailingSlash: 'no-slash',
        ...catchAllOptions,
        handler: (_request, reply) => {
          reply.callNotFound();
        },
      });
    }
  } catch (error) {
    done(error as Error);
    return;
  }
  done();
};

/**
 * The CORS plugin for Fastify 5. Register it once per scope; it applies to that scope's routes and
 * answers preflights for every path under the scope's prefix.
 *
 * - Options are validated once, at registration: a mistake fails start-up with a
 *   `CorsConfigError` that lists every problem.
 * - A route can have its own policy with `config: { cors: options | policy | false }`, compiled
 *   when the route is declared. The route's policy also decides the preflights that ask for that
 *   route's method and path.
 * - Preflights are answered in the hook (default `onRequest`), before body parsing, validation and
 *   authentication.
 *
 * Register it with `await` (or before the plugins that declare routes): routes declared at the same
 * level before the plugin ran are not seen by it.
 *
 * @example
 * import Fastify from 'fastify';
 * import corsPlugin from '@cors/fastify';
 *
 * const app = Fastify();
 * await app.register(corsPlugin, { origin: ['https://app.example.com'], credentials: true });
 * app.get('/admin', { config: { cors: { origin: ['https://admin.example.com'] } } }, handler);
 */
export const corsPlugin = fp(plugin, { name: PLUGIN_NAME, fastify: '5.x' });
