/**
 * Which policy a request gets: the one of the handler it reaches. A preflight reaches no handler
 * (it is an OPTIONS request for a route declared for another method), so its policy is the one of
 * the handler that its path and `Access-Control-Request-Method` would reach.
 *
 * The table is built once, when the application starts, the way Nest's own `RoutesResolver` and
 * `RoutePathFactory` build the paths they register: every controller of every module (in Nest's
 * order), RouterModule paths, the global prefix (and its `exclude`), URI versioning, then the
 * adapter's `normalizePath`. Each path is compiled with path-to-regexp (the matcher of Nest 11 and
 * Express 5) with the router's own options (case sensitivity, trailing slash). When several routes
 * match, Express takes the first registered; Fastify (find-my-way) prefers static segments to
 * parameters and parameters to wildcards, which the Fastify table mirrors by sorting.
 *
 * Why not Nest's own routing: Nest 11 has no public way to ask which handler a method and path
 * reach, nor to list the resolved paths of its routes. `RouterExplorer`, `RoutesResolver` and
 * `RoutePathFactory` are not exported from `@nestjs/core`'s entry point; `DiscoveryService` lists
 * controllers but not their resolved paths; the graph inspector records routes only with
 * `snapshot: true`. The metadata keys are Nest's own constants, read from `@nestjs/common/constants`
 * rather than spelled here. test/routing.test.ts pins this against the Nest versions the suites run
 * (11.x, on Express and Fastify): the day Nest exports a route lookup, this table should go.
 */
import {
  RequestMethod,
  VERSION_NEUTRAL,
  VersioningType,
  type VersioningOptions,
} from '@nestjs/common';
import {
  METHOD_METADATA,
  MODULE_PATH,
  PATH_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants.js';
import { MetadataScanner, type ApplicationConfig, type ModulesContainer } from '@nestjs/core';
import { pathToRegexp } from 'path-to-regexp';
import { CorsError } from '@cors/core';
import { CORS_METADATA, type RouteCorsMetadata } from './decorator.js';
import type { CompiledCors } from './options.js';

/** The code of the error thrown when a route with its own `@Cors()` has a path this table cannot match. */
export const ERR_CORS_NEST_ROUTE = 'ERR_CORS_NEST_ROUTE';

/** The policy of a route: compiled CORS, or `null` for `@Cors(false)`. */
export type RouteTarget = CompiledCors | null;

/** The part of Nest's HTTP adapters the table reads. */
export interface RoutingAdapter {
  getType(): string;
  getInstance(): unknown;
  normalizePath?(path: string): string;
}

interface RouteEntry {
  readonly method: string;
  readonly path: string;
  readonly regexp: RegExp;
  readonly ranks: readonly number[];
  readonly target: RouteTarget;
}

/** How the application's router compares a request path with a route path. */
interface MatchOptions {
  readonly sensitive: boolean;
  readonly trailing: boolean;
  readonly decode: boolean;
  readonly collapseSlashes: boolean;
  readonly mostSpecificFirst: boolean;
}

/** The routes of an application and the policy of each. */
export interface RouteTable {
  /** False when every route uses the module's policy: requests then skip the lookup. */
  readonly hasOverrides: boolean;
  /** The policy of the route that `method` on `url` reaches; the module's when none does. */
  lookup(method: string, url: string): RouteTarget;
  /** The routes, for diagnostics and tests: `METHOD /path`. */
  readonly routes: readonly string[];
}

type VersionValue = string | typeof VERSION_NEUTRAL | Array<string | typeof VERSION_NEUTRAL>;

function addLeadingSlash(path: unknown): string {
  if (typeof path !== 'string' || path === '') return '';
  return path.charAt(0) !== '/' && !path.startsWith('{/') ? `/${path}` : path;
}

function stripEndSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

function concatPaths(paths: string[], fragment: string | undefined): string[] {
  if (!fragment) return paths;
  return paths.map((path) => stripEndSlash(path) + addLeadingSlash(fragment));
}

function versionPrefix(versioning: VersioningOptions): string {
  if (versioning.type === VersioningType.URI) {
    if (versioning.prefix === false) return '';
    if (versioning.prefix !== undefined) return versioning.prefix;
  }
  return 'v';
}

interface ExcludedRoute {
  readonly requestMethod: RequestMethod | -1;
  readonly pathRegex: RegExp;
}

interface PathInputs {
  readonly modulePath: string | undefined;
  readonly ctrlPath: string;
  readonly methodPath: string;
  readonly globalPrefix: string;
  readonly excluded: readonly ExcludedRoute[];
  readonly versioning: VersioningOptions | undefined;
  readonly version: VersionValue | undefined;
}

function isExcluded(
  inputs: PathInputs,
  path: string,
  requestMethod: RequestMethod,
  version: VersionValue | undefined,
): boolean {
  const { versioning } = inputs;
  if (version && version !== VERSION_NEUTRAL && versioning?.type === VersioningType.URI) {
    for (const value of Array.isArray(version) ? version : [version]) {
      if (typeof value !== 'string') continue;
      const prefix = `/${versionPrefix(versioning)}${value}`;
      if (path.startsWith(prefix)) path = path.replace(prefix, '');
    }
  }
  const target = addLeadingSlash(path);
  return inputs.excluded.some(
    (route) =>
      (route.requestMethod === RequestMethod.ALL ||
        route.requestMethod === -1 ||
        route.requestMethod === requestMethod) &&
      route.pathRegex.test(target),
  );
}

/** The paths Nest registers for one route path (Nest's `RoutePathFactory.create`). */
function routePaths(inputs: PathInputs, requestMethod: RequestMethod): string[] {
  let versioned: { path: string; version?: VersionValue }[] = [{ path: '' }];
  if (inputs.version && inputs.versioning?.type === VersioningType.URI) {
    const prefix = versionPrefix(inputs.versioning);
    const versions: Array<string | typeof VERSION_NEUTRAL> = Array.isArray(inputs.version)
      ? inputs.version
      : [inputs.version as string | typeof VERSION_NEUTRAL];
    versioned = versions.map((version) => ({
      path: version === VERSION_NEUTRAL ? '' : `/${prefix}${String(version)}`,
      version,
    }));
  }
  const paths = versioned.flatMap(({ path, version }) => {
    let ofVersion = concatPaths([path], inputs.modulePath);
    ofVersion = concatPaths(ofVersion, inputs.ctrlPath);
    ofVersion = concatPaths(ofVersion, inputs.methodPath);
    if (!inputs.globalPrefix) return ofVersion;
    return ofVersion.map((p) =>
      isExcluded(inputs, p, requestMethod, version) ? p : stripEndSlash(inputs.globalPrefix) + p,
    );
  });
  return paths
    .map((path) => addLeadingSlash(path || '/'))
    .map((path) => (path !== '/' ? stripEndSlash(path) : path));
}

/**
 * Fastify paths use find-my-way's syntax, which path-to-regexp 8 may refuse: `:id(^\d+)` (a
 * parameter with a RegExp, matched here as any parameter) and a bare `*` (any rest, maybe empty).
 */
function toPathToRegexpSyntax(path: string): string {
  let count = 0;
  return path
    .replace(/:(\w+)\((?:\\.|[^)])*\)/g, ':$1')
    .replace(/\*(?![\w$])/g, () => `{*wildcard${count++}}`);
}

function compilePath(path: string, options: MatchOptions): RegExp | null {
  const pathOptions = { sensitive: options.sensitive, trailing: options.trailing, end: true };
  try {
    return pathToRegexp(path, pathOptions).regexp;
  } catch {
    try {
      return pathToRegexp(toPathToRegexpSyntax(path), pathOptions).regexp;
    } catch {
      return null;
    }
  }
}

/** find-my-way tries a static segment before a parameter, and a parameter before a wildcard. */
function segmentRanks(path: string): number[] {
  return path
    .split('/')
    .map((segment) =>
      segment.includes('*') ? 2 : segment.includes(':') || segment.includes('{') ? 1 : 0,
    );
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

interface ExpressLike {
  enabled?(setting: string): boolean;
}

interface FastifyLike {
  initialConfig?: {
    caseSensitive?: boolean;
    ignoreTrailingSlash?: boolean;
    ignoreDuplicateSlashes?: boolean;
    routerOptions?: {
      caseSensitive?: boolean;
      ignoreTrailingSlash?: boolean;
      ignoreDuplicateSlashes?: boolean;
    };
  };
}

function matchOptionsOf(adapter: RoutingAdapter): MatchOptions {
  if (adapter.getType() === 'fastify') {
    const config = (adapter.getInstance() as FastifyLike).initialConfig ?? {};
    const router = config.routerOptions ?? {};
    return {
      sensitive: !(router.caseSensitive === false || config.caseSensitive === false),
      trailing: Boolean(router.ignoreTrailingSlash || config.ignoreTrailingSlash),
      decode: true,
      collapseSlashes: Boolean(router.ignoreDuplicateSlashes || config.ignoreDuplicateSlashes),
      mostSpecificFirst: true,
    };
  }
  const app = adapter.getInstance() as ExpressLike;
  return {
    sensitive: app.enabled?.('case sensitive routing') === true,
    trailing: app.enabled?.('strict routing') !== true,
    decode: false,
    collapseSlashes: false,
    mostSpecificFirst: false,
  };
}

/** The path of a request target, as the router sees it. */
function requestPath(url: string, options: MatchOptions): string {
  let end = url.length;
  for (let i = 0; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 63 /* ? */ || code === 35 /* # */) {
      end = i;
      break;
    }
  }
  let path = end === url.length ? url : url.slice(0, end);
  if (path.charCodeAt(0) !== 47 /* / */) {
    // Absolute-form target (`GET http://host/path`): both routers route its path.
    const match = /^https?:\/\/[^/]*(\/.*)?$/i.exec(path);
    path = match ? (match[1] ?? '/') : path;
  }
  if (options.collapseSlashes && path.includes('//')) path = path.replace(/\/\/+/g, '/');
  if (options.decode && path.includes('%')) {
    try {
      path = decodeURI(path);
    } catch {
      // find-my-way refuses such a path with 400; the module's policy answers it.
    }
  }
  return path;
}

export interface RouteTableInputs {
  readonly modules: ModulesContainer;
  readonly config: ApplicationConfig;
  readonly adapter: RoutingAdapter;
  readonly moduleCors: CompiledCors;
}

/** Builds the table once the routes are known (`onModuleInit`). */
export function buildRouteTable({
  modules,
  config,
  adapter,
  moduleCors,
}: RouteTableInputs): RouteTable {
  const options = matchOptionsOf(adapter);
  const scanner = new MetadataScanner();
  const globalPrefix = addLeadingSlash(config.getGlobalPrefix());
  const excluded = (config.getGlobalPrefixOptions().exclude ?? []) as unknown as ExcludedRoute[];
  const versioning = config.getVersioning();
  const entries: RouteEntry[] = [];

  const targetOf = (metadata: RouteCorsMetadata | undefined): RouteTarget => {
    if (metadata === undefined || metadata.kind === 'module') return moduleCors;
    if (metadata.kind === 'disabled') return null;
    const own = metadata.cors;
    return own.onDecision !== undefined || moduleCors.onDecision === undefined
      ? own
      : { policy: own.policy, onDecision: moduleCors.onDecision };
  };

  for (const module of modules.values()) {
    const moduleType = module.metatype as object;
    const modulePath: string | undefined =
      Reflect.getMetadata(MODULE_PATH + modules.applicationId, moduleType) ??
      Reflect.getMetadata(MODULE_PATH, moduleType);
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as
        (abstract new (...args: never[]) => unknown) | null | undefined;
      if (typeof controller !== 'function') continue;
      const ctrlPathMetadata: unknown = Reflect.getMetadata(PATH_METADATA, controller);
      if (ctrlPathMetadata === undefined) continue;
      const ctrlPaths = (
        Array.isArray(ctrlPathMetadata) ? ctrlPathMetadata : [ctrlPathMetadata]
      ).map(addLeadingSlash);
      const controllerVersion: VersionValue | undefined = versioning
        ? (Reflect.getMetadata(VERSION_METADATA, controller) ?? versioning.defaultVersion)
        : undefined;
      const controllerCors: RouteCorsMetadata | undefined = Reflect.getMetadata(
        CORS_METADATA,
        controller,
      );
      const prototype = controller.prototype as Record<string, unknown>;
      for (const ctrlPath of ctrlPaths) {
        for (const methodName of scanner.getAllMethodNames(prototype)) {
          const callback = prototype[methodName] as object;
          const methodPathMetadata: unknown = Reflect.getMetadata(PATH_METADATA, callback);
          if (methodPathMetadata === undefined) continue;
          const requestMethod: RequestMethod =
            Reflect.getMetadata(METHOD_METADATA, callback) ?? RequestMethod.GET;
          const methodVersion: VersionValue | undefined = Reflect.getMetadata(
            VERSION_METADATA,
            callback,
          );
          const metadata: RouteCorsMetadata | undefined =
            Reflect.getMetadata(CORS_METADATA, callback) ?? controllerCors;
          const target = targetOf(metadata);
          const methodPaths = (
            Array.isArray(methodPathMetadata) ? methodPathMetadata : [methodPathMetadata]
          ).map(addLeadingSlash);
          for (const methodPath of methodPaths) {
            const inputs: PathInputs = {
              modulePath,
              ctrlPath,
              methodPath,
              globalPrefix,
              excluded,
              versioning,
              version: methodVersion || controllerVersion,
            };
            for (const nestPath of routePaths(inputs, requestMethod)) {
              const path = adapter.normalizePath ? adapter.normalizePath(nestPath) : nestPath;
              const regexp = compilePath(path, options);
              const method = RequestMethod[requestMethod] ?? 'ALL';
              if (regexp === null) {
                // A route whose path cannot be compiled keeps the module's policy; one with its
                // own policy must not silently lose it.
                if (target === moduleCors) continue;
                throw new CorsError(
                  ERR_CORS_NEST_ROUTE,
                  `Cannot match the path ${JSON.stringify(path)} of ${controller.name}.${methodName} to apply its @Cors() policy; write it in path-to-regexp syntax.`,
                );
              }
              entries.push({ method, path, regexp, ranks: segmentRanks(path), target });
            }
          }
        }
      }
    }
  }

  if (options.mostSpecificFirst) entries.sort((a, b) => compareRanks(a.ranks, b.ranks));
  const hasOverrides = entries.some((entry) => entry.target !== moduleCors);

  return {
    hasOverrides,
    routes: entries.map((entry) => `${entry.method} ${entry.path}`),
    lookup(method, url) {
      const path = requestPath(url, options);
      for (const entry of entries) {
        const routeMethod = entry.method;
        if (
          routeMethod !== method &&
          routeMethod !== 'ALL' &&
          !(method === 'HEAD' && routeMethod === 'GET')
        )
          continue;
        if (entry.regexp.test(path)) return entry.target;
      }
      return moduleCors;
    },
  };
}
