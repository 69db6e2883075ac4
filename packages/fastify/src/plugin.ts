/**
 * The Fastify plugin: one hook that translates a request into the core's terms and the decision
 * back into reply headers (then, with `crossOriginProtection`, checks the request for CSRF), an
 * OPTIONS catch-all so that preflights reach every path, and an `onRoute` hook that compiles each
 * route's `config.cors` once, at start-up. And the standalone CSRF plugin, for apps with no CORS.
 */
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  LogLevel,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  CorsError,
  corsRequestFromHeaderRecord,
  readProtectionOptions,
  policyForRequest,
  readAdapterOptions,
  protectReply,
  runCorsOnReply,
  runCorsStep,
  settleCors,
  type AdapterOptionSpec,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsPolicySelector,
  type CrossOriginDecision,
  type CrossOriginProtectionOptions,
} from '@cors/core';
import { createRouteTable, kRegistered, routeOnce, type DeclaredRoute } from './routes.js';

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

/**
 * Told each cross-origin (CSRF) decision, passes and refusals alike, in the plugin's hook (or the
 * standalone plugin's), before a refusal goes out; `decision.message` is the line to log. Frozen and
 * shared: read it only. A throw reaches Fastify's error handler.
 *
 * @example
 * onCrossOriginDecision: (decision, request) => {
 *   if (!decision.allowed) request.log.warn({ reason: decision.reason }, decision.message);
 * }
 */
export type CrossOriginDecisionListener = (
  decision: CrossOriginDecision,
  request: FastifyRequest,
) => void;

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
   * See {@link CrossOriginDecisionListener}. Called only when the request's policy (the scope's, or
   * the route's own `config.cors`) has `crossOriginProtection`, for every request that is not an
   * answered preflight.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener;
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
 * CORS headers, preflights refused, and no cross-origin protection), options for the core, a policy
 * made by `createCorsPolicy`, or a selector returning one per request (its `crossOriginProtection`,
 * or none, replaces the scope's). Absent: the policy given to the plugin.
 *
 * @example
 * app.put('/admin/users/:id', { config: { cors: { origin: ['https://admin.example.com'] } } }, handler);
 */
export type FastifyRouteCorsConfig = false | CorsOptions | CorsPolicy | FastifyCorsPolicySelector;

const PLUGIN_NAME = '@cors/fastify';
/** The plugin's own options, checked by the core's `readAdapterOptions`. */
const PLUGIN_OPTIONS = {
  hook: ['onRequest', 'preParsing', 'preValidation', 'preHandler'],
  hideOptionsRoute: 'boolean',
  logLevel: 'string',
  notFound: 'boolean',
  // Fastify's own option of `register`, which would scope a plugin: not this one.
  prefix: {
    refused:
      '`prefix` has no effect on this plugin, which applies to the scope it is registered in. Register it inside a scope instead: fastify.register(async (api) => { await api.register(corsPlugin, options); ... }, { prefix: "/api" }).',
  },
} as const satisfies Record<
  Exclude<keyof FastifyCorsPluginOptions, 'onDecision' | 'onCrossOriginDecision'> | 'prefix',
  AdapterOptionSpec
>;

type Next = (error?: Error) => void;
type Fail = (error: unknown) => void;

function hasFastifyCors(fastify: FastifyInstance): boolean {
  return fastify.hasPlugin('@fastify/cors') || fastify.hasRequestDecorator('corsPreflightEnabled');
}

const FASTIFY_CORS_CONFLICT =
  '@cors/fastify and @fastify/cors cannot both handle CORS in the same scope: both answer preflights and both register an OPTIONS catch-all. Remove one of them.';

function checkScope(fastify: FastifyInstance): void {
  if (fastify.hasDecorator(kRegistered)) {
    throw new CorsError(
      'ERR_CORS_ALREADY_REGISTERED',
      '@cors/fastify is already registered in this scope or a parent scope: its hook would answer preflights first. Register it once per scope, and give routes their own policy with `config: { cors: ... }`.',
    );
  }
  if (hasFastifyCors(fastify))
    throw new CorsError('ERR_CORS_ALREADY_REGISTERED', FASTIFY_CORS_CONFLICT);
}

const plugin: FastifyPluginAsync<FastifyCorsOptions> = async (fastify, options) => {
  checkScope(fastify);
  const { source, own } = readAdapterOptions<FastifyRequest>(PLUGIN_NAME, options, PLUGIN_OPTIONS);
  const settings = own as FastifyCorsPluginOptions;
  const { hook = 'onRequest', hideOptionsRoute = true, notFound = true, logLevel } = settings;
  fastify.decorate(kRegistered, true);
  // The options of the plugin's OPTIONS routes. One reached by a request the hook did not answer
  // (not a preflight, or `preflightContinue`) hands it to the 404 handler as if it did not exist.
  const optionsRoute = {
    method: 'OPTIONS',
    // `hide` is read by @fastify/swagger; it is not a validation schema.
    schema: { hide: hideOptionsRoute } as FastifySchema,
    logLevel,
    handler: (_request: FastifyRequest, reply: FastifyReply) => reply.callNotFound(),
  };
  const routes = createRouteTable(fastify, optionsRoute);
  // With `preHandler`, `reply.callNotFound()` runs the 404 context's preHandler hooks, this one
  // included, a second time for the same request.
  const decided = hook === 'preHandler' ? new WeakSet<FastifyRequest>() : null;
  let conflict: CorsError | undefined;

  fastify.addHook('onRoute', function onRoute(route) {
    if (hasFastifyCors(this) && [route.method].flat().includes('OPTIONS')) {
      // @fastify/cors registers its catch-all from a callback plugin, where a throw (this one, or
      // Fastify's duplicated-route error) escapes as an uncaught exception. So its route is moved
      // out of the way and start-up fails in onReady with an error that says what is wrong.
      conflict ??= new CorsError('ERR_CORS_ALREADY_REGISTERED', FASTIFY_CORS_CONFLICT);
      route.url = `/__cors-fastify-conflict${route.url}`;
      return;
    }
    routes.add(route as DeclaredRoute, this);
  });
  fastify.addHook('onReady', (ready) => ready(conflict ?? routes.unseenRoutes()));

  /** Decides a request with its route's policy (`null`: `cors: false`); `true` when it ended. */
  function run(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean> {
    const corsRequest = corsRequestFromHeaderRecord(request.method, request.raw.headers);
    const entry = routes.entryFor(request, corsRequest);
    const policy = entry === false ? null : policyForRequest(entry ?? source, request);
    // The headers go on the reply; a route that sets Vary itself (`reply.header('Vary', ...)`)
    // would replace the CORS tokens: they are kept, and merged back when the head is written,
    // 404s and errors included. Not a preflight answered: the request is checked for CSRF with
    // the same policy, if any.
    return runCorsOnReply(policy, corsRequest, reply, request.raw, request, settings);
  }

  function handleCors(request: FastifyRequest, reply: FastifyReply, next: Next): void {
    if (decided?.has(request) === true) return next();
    decided?.add(request);
    // What deciding throws or rejects with goes to Fastify's error handler.
    runCorsStep(run, request, reply, next as Fail);
  }

  // preParsing hooks take the payload stream as a third argument, before `next`.
  if (hook === 'preParsing')
    fastify.addHook(hook, (req, reply, _, next) => handleCors(req, reply, next));
  else fastify.addHook(hook, handleCors);

  // Preflights reach every path: routes that declare only GET or POST, and unknown paths. At the
  // root that is `*`; under a prefix, the prefix itself and everything below it (`/api*` would also
  // match `/apix`).
  for (const url of fastify.prefix === '' ? ['*'] : ['/*', '/'])
    routeOnce(fastify, { ...optionsRoute, url, prefixTrailingSlash: 'no-slash' });
  if (fastify.prefix !== '' && notFound) setScopeNotFound(fastify);
};

/**
 * A prefixed scope's unknown paths are answered by the parent's 404 handler, whose hooks are the
 * parent's: without this, they would carry no CORS headers. Fastify's documented way to run its
 * default 404 handler with a scope's hooks is `setNotFoundHandler()` without arguments in that
 * scope. A handler the app set in this scope before stays (Fastify refuses a second one).
 */
function setScopeNotFound(fastify: FastifyInstance): void {
  try {
    (fastify.setNotFoundHandler as unknown as (this: FastifyInstance) => void).call(fastify);
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
 * Register it before the plugins that declare routes (with or without `await`): routes declared
 * in a plugin that loaded before it get none of its hooks, and their preflights are refused.
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

/** Options of {@link crossOriginProtection}: the core's protection options and the listener. */
export interface FastifyCrossOriginProtectionOptions extends CrossOriginProtectionOptions {
  /**
   * See {@link CrossOriginDecisionListener}.
   * @default undefined
   */
  onCrossOriginDecision?: CrossOriginDecisionListener;
}

/**
 * Cross-site request forgery protection on its own, for apps with no CORS (with CORS, give the
 * plugin's policy `crossOriginProtection` instead, which also trusts what it allows with
 * credentials). In an `onRequest` hook of the scope it is registered in: an unsafe request that a
 * page of another origin sent gets `403` and no route runs; every other request goes on. The
 * options are the core's `createCrossOriginProtection` options, validated at registration (a
 * `CorsConfigError`). See docs/csrf.md.
 *
 * @example
 * await app.register(crossOriginProtection, { bypass: ['POST /oauth/callback'] });
 */
export const crossOriginProtection = fp<FastifyCrossOriginProtectionOptions>(
  async (fastify, options) => {
    const { protection, onCrossOriginDecision } = readProtectionOptions(PLUGIN_NAME, options);
    fastify.addHook('onRequest', (request, reply, next) => {
      const protect = () =>
        protectReply(protection, reply, request.raw, request, onCrossOriginDecision);
      settleCors(protect, { proceed: () => next(), fail: next as Fail });
    });
  },
  { name: '@cors/fastify/cross-origin-protection', fastify: '5.x' },
);
