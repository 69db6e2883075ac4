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
  CorsAdapterError,
  CorsError,
  ERR_CORS_ADAPTER_OPTIONS,
  checkDecisionListener,
  corsDisabledDecision,
  corsPolicySource,
  corsRequestFromHeaderRecord,
  corsRequestKind,
  createCorsPolicy,
  headerString,
  isCorsConfigError,
  isCorsPolicy,
  isThenable,
  keepVary,
  normalizeMethod,
  policyForRequest,
  preflightFraming,
  writeCorsHeaders,
  type CorsDecision,
  type CorsHeaderTarget,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
  type CorsPolicySource,
  type CorsRequest,
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
  /**
   * In a scope with a prefix, answer that prefix's unknown paths with a `404` of this scope, so
   * that they carry its CORS headers (Fastify would answer them from the parent scope, without).
   * Set it to `false` if you call `setNotFoundHandler` in this scope after registering the plugin;
   * a handler set before is kept.
   * @default true
   */
  notFound?: boolean;
}

/**
 * Chooses the policy of one request (a tenant chosen by `Host`, say): return one of the policies
 * compiled at start-up, never options. See docs/multi-tenant.md.
 *
 * @example
 * await app.register(corsPlugin, { policy: (request) => byHost.get(request.host) ?? fallback });
 */
export type FastifyCorsPolicySelector = CorsPolicySelector<FastifyRequest>;

/** A policy made by `createCorsPolicy` (or a selector of one per request), instead of options. */
export interface FastifyCorsPolicyOption {
  /**
   * A policy made once by `createCorsPolicy`, e.g. to share it with other servers, or a selector
   * returning one per request. (A function given as the plugin's options would be called by
   * Fastify with the parent instance, so a selector goes here.)
   * @example policy: createCorsPolicy({ origin: ['https://app.example.com'] })
   */
  policy: CorsPolicy | FastifyCorsPolicySelector;
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
 * What a route's `config.cors` may be: `false` (CORS off: the core's `cors-disabled` decision, no
 * CORS headers, preflights refused), options for the core, a policy made by `createCorsPolicy`, or
 * a selector returning one per request. Absent: the policy given to the plugin.
 *
 * @example
 * app.put('/admin/users/:id', { config: { cors: { origin: ['https://admin.example.com'] } } }, handler);
 */
export type FastifyRouteCorsConfig = false | CorsOptions | CorsPolicy | FastifyCorsPolicySelector;

const PLUGIN_NAME = '@cors/fastify';
const HOOKS: readonly string[] = ['onRequest', 'preParsing', 'preValidation', 'preHandler'];
const PLUGIN_OPTIONS: ReadonlySet<string> = new Set([
  'hook',
  'hideOptionsRoute',
  'logLevel',
  'onDecision',
  'policy',
  'notFound',
]);

/** Marks a scope that has the plugin; a symbol from the registry, so two copies see each other. */
const kRegistered = Symbol.for('@cors/fastify.registered');
/** Marks the plugin's own OPTIONS routes in their config. */
const kCatchAll = Symbol.for('@cors/fastify.catchAll');
/** A route's compiled `config.cors`, put into the route's config by `onRoute`. */
const kRoutePolicy = Symbol.for('@cors/fastify.routePolicy');

type RouteConfig = Record<string | symbol, unknown> | undefined;
type Settings = Required<Omit<FastifyCorsPluginOptions, 'logLevel' | 'onDecision'>> &
  Pick<FastifyCorsPluginOptions, 'logLevel' | 'onDecision'> & {
    source: CorsPolicySource<FastifyRequest>;
  };

function optionError(option: string, message: string): CorsAdapterError {
  return new CorsAdapterError(ERR_CORS_ADAPTER_OPTIONS, option, `@cors/fastify: ${message}`);
}

function describeRoute(method: string | string[], url: string): string {
  return `${Array.isArray(method) ? method.join(',') : method} ${url}`;
}

function notCompiled(method: string | string[], url: string): CorsError {
  return new CorsError(
    'ERR_CORS_ROUTE_NOT_COMPILED',
    `@cors/fastify: route ${describeRoute(method, url)} was declared before the plugin ran, so the ` +
      'plugin cannot know its config.cors. Write `await fastify.register(corsPlugin, options)` ' +
      'before declaring routes, or declare them in a plugin registered after it.',
  );
}

/** Compiles a route's `config.cors` once; equal option objects are compiled once in all. */
function compileRouteCors(
  cors: unknown,
  method: string | string[],
  url: string,
  cache: WeakMap<object, CorsPolicy>,
): RouteEntry {
  if (cors === false) return false;
  const source = corsPolicySource<FastifyRequest>(cors);
  if (source !== undefined) return source;
  const cached = typeof cors === 'object' && cors !== null ? cache.get(cors) : undefined;
  if (cached !== undefined) return cached;
  try {
    const policy = createCorsPolicy(cors as CorsOptions);
    cache.set(cors as object, policy);
    return policy;
  } catch (error) {
    if (isCorsConfigError(error))
      error.message = `Route ${describeRoute(method, url)}: config.cors: ${error.message}`;
    throw error;
  }
}

function readOptions(options: FastifyCorsOptions | undefined): Settings {
  const defaults = { hook: 'onRequest', hideOptionsRoute: true, notFound: true } as const;
  if (isCorsPolicy(options)) return { ...defaults, source: options };
  if (typeof options !== 'object' || options === null) {
    // Not options at all: the core's error says what they must look like.
    createCorsPolicy(options as unknown as CorsOptions);
  }
  const all = options as unknown as Record<string, unknown>;
  if ('prefix' in all) {
    throw optionError(
      'prefix',
      '`prefix` has no effect on this plugin, which applies to the scope it is registered in. ' +
        'Register it inside a scope instead: fastify.register(async (api) => { await api.register(corsPlugin, options); ... }, { prefix: "/api" }).',
    );
  }
  const { hook = defaults.hook, hideOptionsRoute = true, notFound = true, logLevel } = all;
  if (typeof hook !== 'string' || !HOOKS.includes(hook))
    throw optionError(
      'hook',
      `\`hook\` must be one of ${HOOKS.map((h) => `'${h}'`).join(', ')}; got ${JSON.stringify(hook)}.`,
    );
  for (const [name, value] of [
    ['hideOptionsRoute', hideOptionsRoute],
    ['notFound', notFound],
  ] as const) {
    if (typeof value !== 'boolean') throw optionError(name, `\`${name}\` must be true or false.`);
  }
  if (logLevel !== undefined && typeof logLevel !== 'string')
    throw optionError('logLevel', "`logLevel` must be a log level such as 'info' or 'silent'.");
  checkDecisionListener(all.onDecision, PLUGIN_NAME);
  const coreOptions: Record<string, unknown> = {};
  for (const key of Object.keys(all)) if (!PLUGIN_OPTIONS.has(key)) coreOptions[key] = all[key];
  let source: CorsPolicySource<FastifyRequest> | undefined;
  if (all.policy === undefined) {
    source = createCorsPolicy(coreOptions as unknown as CorsOptions);
  } else {
    source = corsPolicySource<FastifyRequest>(all.policy);
    if (source === undefined)
      throw optionError(
        'policy',
        '`policy` must be a policy made by createCorsPolicy(), or a function of the request returning one.',
      );
    if (Object.keys(coreOptions).length > 0)
      throw optionError(
        'policy',
        `give either \`policy\` or the core's options, not both (found ${Object.keys(coreOptions).join(', ')}).`,
      );
  }
  return {
    source,
    hook: hook as CorsHook,
    hideOptionsRoute: hideOptionsRoute as boolean,
    notFound: notFound as boolean,
    logLevel: logLevel as LogLevel | undefined,
    onDecision: all.onDecision as CorsDecisionListener | undefined,
  };
}

function assertNotRegistered(fastify: FastifyInstance): void {
  if (fastify.hasDecorator(kRegistered)) {
    throw new CorsError(
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
  return new CorsError(
    'ERR_CORS_ALREADY_REGISTERED',
    '@cors/fastify and @fastify/cors cannot both handle CORS in the same scope: both answer ' +
      'preflights and both register an OPTIONS catch-all. Remove one of them.',
  );
}

/** Fastify's reply, as the core's header writer sees it. */
function replyHeaders(reply: FastifyReply): CorsHeaderTarget {
  return {
    getHeader: (name) => reply.getHeader(name),
    setHeader: (name, value) => reply.header(name, value),
    removeHeader: (name) => reply.removeHeader(name),
  };
}

/** The constraints Fastify derives from a request's headers, for the preflight's route lookup. */
function constraintsOf(headers: FastifyRequest['headers']): Record<string, string> {
  const constraints: Record<string, string> = {};
  if (headers.host !== undefined) constraints.host = headers.host;
  const version = headerString(headers['accept-version']);
  if (version !== undefined) constraints.version = version;
  return constraints;
}

const plugin: FastifyPluginCallback<FastifyCorsOptions> = (fastify, options, done) => {
  let settings: Settings;
  try {
    assertNotRegistered(fastify);
    settings = readOptions(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  const { source: scopePolicy, hook, hideOptionsRoute, logLevel, onDecision } = settings;
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
    const { method, constraints } = routeOptions;
    const url = routeOptions.url ?? routeOptions.path;
    if (
      config?.[kCatchAll] !== true &&
      (Array.isArray(method) ? method : [method]).includes('OPTIONS') &&
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
    routes.add({ method, url, constraints, entry }, alsoWithTrailingSlash);
  });

  fastify.addHook('onReady', function buildRouteTable(ready) {
    if (conflict !== undefined) {
      ready(conflict);
      return;
    }
    routes.build(fastify);
    ready();
  });

  /** The policy of this request, `false` for a route with CORS off, or an error. */
  function policyFor(request: FastifyRequest, corsRequest: CorsRequest): RouteEntry | CorsError {
    if (corsRequestKind(corsRequest) === 'preflight') {
      // A preflight is decided by the route it asks about, not by the OPTIONS route it reached.
      const method = normalizeMethod(corsRequest.requestMethod as string);
      const constraints = constraintsOf(request.headers);
      const found = routes.find(method, request.url, constraints);
      if (found !== null) return found.entry ?? scopePolicy;
      // A method Fastify cannot route (`patch` stays `patch`) has no route: the scope decides.
      if (method !== method.toUpperCase()) return scopePolicy;
      // A route Fastify has but the plugin never saw may have a config.cors of its own: refuse
      // rather than grant its preflight with the scope's policy.
      const unseen = fastify.findRoute({ method: method as never, url: request.url, constraints });
      return unseen === null ? scopePolicy : notCompiled(method, request.url);
    }
    const config = request.routeOptions.config as unknown as RouteConfig;
    const entry = config?.[kRoutePolicy] as RouteEntry;
    if (entry !== undefined) return entry;
    if (config?.cors === undefined) return scopePolicy;
    // onRoute never saw this route: refuse rather than apply the scope's policy to a route that
    // asked for its own.
    const { method, url } = request.routeOptions;
    return notCompiled(method ?? request.method, url ?? request.url);
  }

  /** Sets the decision's headers; true when the reply was ended (a preflight answered). */
  function applyDecision(
    decision: CorsDecision,
    request: FastifyRequest,
    reply: FastifyReply,
  ): boolean {
    if (onDecision !== undefined) onDecision(decision, request);
    writeCorsHeaders(replyHeaders(reply), decision, false);
    if (!decision.end) {
      // A route that sets Vary itself (`reply.header('Vary', ...)`) would replace the CORS tokens:
      // they are merged back when the head is written, 404s and errors included.
      if (decision.vary !== '') keepVary(reply.raw, decision.vary);
      return false;
    }
    const { status, headers } = preflightFraming(decision);
    reply.code(status).headers(headers).send();
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
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      const raw = request.raw;
      const corsRequest = corsRequestFromHeaderRecord(raw.method as string, raw.headers);
      const entry = policyFor(request, corsRequest);
      if (entry instanceof Error) throw entry;
      decision =
        entry === false
          ? corsDisabledDecision(corsRequest)
          : policyForRequest(entry as CorsPolicySource<FastifyRequest>, request).decide(
              corsRequest,
            );
      if (!isThenable<CorsDecision>(decision)) {
        if (!applyDecision(decision, request, reply)) done();
        return;
      }
    } catch (error) {
      done(error as Error);
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
  if (prefix !== '' && settings.notFound) setScopeNotFound(fastify);
  done();
};

/**
 * A prefixed scope's unknown paths are answered by the parent's 404 handler, whose hooks are the
 * parent's: without this, they would carry no CORS headers. The answer is Fastify's own default
 * 404. A handler the app set in this scope before stays (Fastify refuses a second one).
 */
function setScopeNotFound(fastify: FastifyInstance): void {
  try {
    fastify.setNotFoundHandler((request, reply) => {
      const message = `Route ${request.raw.method}:${request.raw.url} not found`;
      request.log.info(message);
      void reply.code(404).send({ message, error: 'Not Found', statusCode: 404 });
    });
  } catch {
    // This scope has its own not-found handler already, and it runs this scope's hooks.
  }
}

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
