/**
 * Cross-site request forgery protection from Fetch Metadata, the algorithm of Go 1.25's
 * `net/http.CrossOriginProtection` (src/net/http/csrf.go; rationale in golang/go#73626 and Filippo
 * Valsorda's "Cross-Site Request Forgery"), with bypass patterns as fixed for CVE-2025-47910
 * (golang/go#75054). For an unsafe method:
 *
 * 1. `Sec-Fetch-Site: same-origin` or `none` passes; any other value is refused unless exempt.
 * 2. With neither `Sec-Fetch-Site` nor `Origin` it passes (not a browser, or a very old one), unless
 *    `requireBrowserHeaders` is on.
 * 3. Otherwise `Origin`'s host and port must equal the request's `Host`, or the request is exempt.
 *
 * Exempt: a bypass pattern matches (checked first: no origin function runs for it), or `Origin` is a
 * trusted origin. `GET`, `HEAD` and `OPTIONS` always pass, so preflights are never touched.
 *
 * CORS decides what a page may read; this decides what it may send. Trusted origins are written in
 * the language of the CORS `origin` option, and {@link createCrossOriginProtectionFromCors} trusts
 * exactly the origins a CORS policy allows with credentials, so the two never drift.
 */
import type { HeaderRecord } from './request.js';
import type { HeadersLike } from './response.js';
import { compileBypassPattern, matchesBypass, type BypassPattern } from './bypass-patterns.js';
import {
  CorsConfigError,
  describeValue,
  type CorsConfigIssue,
  type CorsConfigIssueCode,
} from './errors.js';
import { compileOrigins, matchesPattern, type OriginMatcher } from './origin-config.js';
import { DEFAULT_PORTS, newOriginScan, scanOrigin } from './origin.js';
import { createCorsPolicy, isCorsPolicy } from './policy.js';
import { compileProxyRange, inRange, parseAddress, type ProxyRange } from './trusted-proxies.js';
import type {
  CorsDecision,
  CorsOptions,
  CorsPolicy,
  CorsRequest,
  CredentialsFunction,
  DecisionFor,
  OriginFunction,
} from './types.js';

/**
 * What cross-origin protection reads from a request. Every header is the raw value as received;
 * `undefined`, `null` and `''` all mean absent.
 */
export interface CrossOriginRequest {
  /** The request method as received, e.g. `POST`. Compared case-sensitively, as HTTP does. */
  method: string;
  /**
   * The request-target as received: path and query, before any decoding or normalisation (Node's
   * `req.url`). Only bypass patterns read it.
   */
  path: string;
  /** The `Host` header (`:authority` in HTTP/2). */
  host?: string | null;
  /** The `Origin` header. */
  origin?: string | null;
  /** The `Sec-Fetch-Site` header. */
  secFetchSite?: string | null;
  /** The `X-Forwarded-Host` header; used only when `remoteAddress` is a trusted proxy. */
  forwardedHost?: string | null;
  /** The address of the TCP peer (`req.socket.remoteAddress`), never a header's value. */
  remoteAddress?: string | null;
}

/** The stable codes a cross-origin decision reports in `reason`. See docs/csrf.md. */
export type CrossOriginReason =
  | 'safe-method'
  | 'same-origin'
  | 'user-initiated'
  | 'origin-matches-host'
  | 'no-browser-headers'
  | 'trusted-origin'
  | 'bypass'
  | 'cross-site'
  | 'same-site'
  | 'sec-fetch-site-unknown'
  | 'origin-mismatch'
  | 'origin-null'
  | 'origin-malformed'
  | 'browser-headers-missing';

/** Whether to let a request reach the route. Plain frozen data; decisions may be shared. */
export interface CrossOriginDecision {
  /** `false`: answer {@link CROSS_ORIGIN_REFUSAL_STATUS} and do not run the route. */
  readonly allowed: boolean;
  /** A stable code for why, see {@link CrossOriginReason}. */
  readonly reason: CrossOriginReason;
  /** One sentence for logs and the refusal's body: why, with request values bounded and escaped. */
  readonly message: string;
}

/** The status of a refused request: 403 Forbidden, as Go answers. */
export const CROSS_ORIGIN_REFUSAL_STATUS = 403;

/**
 * The response to a refused request, one definition for every adapter (so they answer byte for byte
 * the same): 403, a one-line plain-text body that names the reason and repeats no request value,
 * and `nosniff`. The decision's longer `message` is for logs and `onDecision`.
 */
export interface CrossOriginRefusalResponse {
  readonly status: number;
  readonly headers: Readonly<Record<'content-type' | 'x-content-type-options', string>>;
  readonly body: string;
}

const REFUSAL_HEADERS = Object.freeze({
  'content-type': 'text/plain; charset=utf-8',
  'x-content-type-options': 'nosniff',
});
function refusalResponse(body: string): CrossOriginRefusalResponse {
  return Object.freeze({ status: CROSS_ORIGIN_REFUSAL_STATUS, headers: REFUSAL_HEADERS, body });
}

/**
 * What to send for a refused decision: status {@link CROSS_ORIGIN_REFUSAL_STATUS}, headers and body.
 * The route must not run. CORS headers of the request's CORS decision are applied as well, so that
 * an allowed page can read why.
 *
 * @example
 * if (!decision.allowed) {
 *   const refusal = crossOriginRefusalResponse(decision);
 *   res.writeHead(refusal.status, refusal.headers).end(refusal.body);
 * }
 */
export function crossOriginRefusalResponse(
  decision: CrossOriginDecision,
): CrossOriginRefusalResponse {
  return REFUSALS.get(decision.reason) ?? GENERIC_REFUSAL;
}

/** Every `reason` a cross-origin decision can carry, with what it means. */
export const CROSS_ORIGIN_REASONS: Readonly<Record<CrossOriginReason, string>> = Object.freeze({
  'safe-method':
    'GET, HEAD and OPTIONS are safe methods: never checked, so they must not change state.',
  'same-origin': 'Sec-Fetch-Site: same-origin: the browser says a page of this origin sent it.',
  'user-initiated':
    'Sec-Fetch-Site: none: the user started the request (address bar, bookmark), not a page.',
  'origin-matches-host':
    'No Sec-Fetch-Site (an older browser, or a page that is not a secure context), and the host and port of Origin equal the Host header.',
  'no-browser-headers':
    'Neither Sec-Fetch-Site nor Origin: not a browser (or one from before 2020), which a forged cross-site request cannot come from.',
  'trusted-origin':
    'Cross-origin, from a trusted origin (listed in trustedOrigins, or allowed with credentials by the CORS policy).',
  bypass: 'Cross-origin, to a route exempted by a bypass pattern.',
  'cross-site': 'Sec-Fetch-Site: cross-site: a page on another site sent it.',
  'same-site':
    'Sec-Fetch-Site: same-site: a page of another origin of the same site sent it (a sibling subdomain, or the http version of this site).',
  'sec-fetch-site-unknown':
    'Sec-Fetch-Site has a value browsers do not send (or several values); refused rather than guessed at.',
  'origin-mismatch':
    'No Sec-Fetch-Site, and the host and port of Origin differ from the Host header (or there is no Host).',
  'origin-null':
    'No Sec-Fetch-Site, and Origin: null (a sandboxed iframe, a file: page, a cross-origin redirect): it cannot be trusted.',
  'origin-malformed': 'No Sec-Fetch-Site, and Origin is not an origin a browser sends.',
  'browser-headers-missing': 'Neither Sec-Fetch-Site nor Origin, and requireBrowserHeaders is on.',
});

/** Ready-made refusal responses, one per reason (a closed set), built once. */
const REFUSALS: ReadonlyMap<string, CrossOriginRefusalResponse> = new Map(
  Object.keys(CROSS_ORIGIN_REASONS).map((reason) => [
    reason,
    refusalResponse(`Forbidden: cross-origin request refused (${reason}).\n`),
  ]),
);
/** For a decision that did not come from `check` (an unknown reason is never echoed). */
const GENERIC_REFUSAL = refusalResponse('Forbidden: cross-origin request refused.\n');

/** Options of {@link createCrossOriginProtection}. Every option may be left out. */
export interface CrossOriginProtectionOptions {
  /**
   * Origins whose pages may send unsafe requests here, in the language of the CORS `origin` option:
   * exact origins, patterns (`'https://*.example.com'`, `'http://localhost:*'`), anchored RegExps and
   * functions, with the same guards (no patterns over shared suffixes, no `'*'`, no `'null'`, no
   * plain-http origins beyond loopback unless `dangerouslyAllowInsecureOrigins`). A function is
   * called only for a request that would otherwise be refused, with a well-formed origin.
   * @default []
   * @example trustedOrigins: ['https://app.example.com', 'https://*.partner.example']
   */
  trustedOrigins?: readonly (string | RegExp | OriginFunction)[];
  /**
   * Routes exempt from the check, as `'METHOD /path'` or `'/path'` (any unsafe method); `*` is
   * exactly one path segment. A request matches only when its path, as received, equals the pattern
   * byte for byte: no decoding, no slash or dot clean-up, no case folding (so a bypass never reaches a
   * path a router would redirect or normalise onto it; CVE-2025-47910).
   * @default []
   * @example bypass: ['POST /oauth/callback', 'POST /tenants/*\/saml/acs']
   */
  bypass?: readonly string[];
  /**
   * Refuse unsafe requests that carry neither `Sec-Fetch-Site` nor `Origin`. Every browser since 2020
   * sends `Origin` on unsafe requests, so this refuses only non-browser clients (curl, servers,
   * webhooks) and very old browsers. Turn it on for routes that only browsers call.
   * @default false (as Go: such requests pass)
   */
  requireBrowserHeaders?: boolean;
  /**
   * Addresses and CIDR ranges of the reverse proxies in front of the server. When the TCP peer
   * (`remoteAddress`) is one of them, its `X-Forwarded-Host` replaces `Host` (the last value, the one
   * that proxy wrote); from any other peer `X-Forwarded-Host` is ignored.
   * @default [] (X-Forwarded-Host is never read)
   * @example trustedProxies: ['10.0.0.0/8', '127.0.0.1', '::1']
   */
  trustedProxies?: readonly string[];
  /**
   * Allow plain-`http` trusted origins other than localhost and loopback. Anyone on the network path
   * can impersonate such an origin.
   * @default false
   */
  dangerouslyAllowInsecureOrigins?: boolean;
}

/** Compiled cross-origin protection. Create it once, at start-up, and call `check` per request. */
export interface CrossOriginProtection<
  D extends CrossOriginDecision | Promise<CrossOriginDecision> =
    CrossOriginDecision | Promise<CrossOriginDecision>,
> {
  /** Decides a request. Synchronous unless a trusted-origin function returns a promise. */
  check(request: CrossOriginRequest): D;
  /** True when a trusted-origin (or CORS credentials) function is declared `async`. */
  readonly isAsync: boolean;
}

/**
 * Codes of the configuration problems cross-origin protection reports: `CorsConfigIssueCode`, which
 * lists the protection's own codes (`trusted_origins_wildcard`, `bypass_invalid`, …) beside the
 * origin codes it shares with CORS, since `createCorsPolicy` reports them too (as
 * `crossOriginProtection.<option>`). One list, so that the two cannot drift.
 */
export type CrossOriginConfigIssueCode = CorsConfigIssueCode;

/** One problem in cross-origin protection options. */
export interface CrossOriginConfigIssue extends Omit<CorsConfigIssue, 'code'> {
  readonly code: CrossOriginConfigIssueCode;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'trustedOrigins',
  'bypass',
  'requireBrowserHeaders',
  'trustedProxies',
  'dangerouslyAllowInsecureOrigins',
]);

/** Option names of other CSRF libraries, and what to write here instead. */
const FOREIGN_OPTIONS: Readonly<Record<string, string>> = {
  origin:
    "hono/csrf's `origin`: write trustedOrigins (this check also trusts the request's own origin).",
  secFetchSite: "hono/csrf's `secFetchSite`: Sec-Fetch-Site is always read; remove it.",
  ignoreMethods: 'only GET, HEAD and OPTIONS are exempt; to exempt a route, use bypass.',
  trustedOrigin: "write 'trustedOrigins'.",
  allowedOrigins: "write 'trustedOrigins'.",
  bypassPatterns: "write 'bypass'.",
  insecureBypassPatterns: "write 'bypass'.",
  cookie: 'no token or cookie is needed: the browser’s Sec-Fetch-Site and Origin are checked.',
  value: 'no token is needed: the browser’s Sec-Fetch-Site and Origin are checked.',
  getSecret: 'no secret is needed: the browser’s Sec-Fetch-Site and Origin are checked.',
  trustProxy: "write trustedProxies: ['<your proxy address or CIDR>'].",
};

/** One source of trust: a compiled origin list, and for a CORS policy its credentials function. */
interface TrustSource {
  readonly matcher: OriginMatcher;
  readonly credentials: CredentialsFunction | null;
}

interface CompiledProtection {
  readonly trust: readonly TrustSource[];
  readonly bypass: readonly BypassPattern[];
  readonly requireBrowserHeaders: boolean;
  readonly proxies: readonly ProxyRange[];
  readonly isAsync: boolean;
}

/** True when `F` may return a promise. */
type MayBeAsync<F> = F extends (...args: never[]) => infer R
  ? Promise<boolean> extends R
    ? true
    : false
  : false;
type ListMayBeAsync<L> = L extends readonly (infer E)[] ? MayBeAsync<E> : false;

/** `CrossOriginDecision`, or a promise of one when a trusted origin is an async function. */
export type CrossOriginDecisionFor<O> = O extends { trustedOrigins?: infer T }
  ? true extends ListMayBeAsync<T>
    ? Promise<CrossOriginDecision> | CrossOriginDecision
    : CrossOriginDecision
  : CrossOriginDecision;

/**
 * Validates and compiles cross-origin protection options. With no options it is Go's zero value:
 * the request's own origin only, no bypass, no proxies.
 *
 * @throws {CorsConfigError} listing every problem in `options`, each with the fix (its issues'
 *   codes are {@link CrossOriginConfigIssueCode}s).
 * @example
 * const protection = createCrossOriginProtection({ trustedOrigins: ['https://app.example.com'] });
 * const decision = protection.check({ method: 'POST', path: '/transfer', host: 'api.example.com',
 *   origin: 'https://evil.example', secFetchSite: 'cross-site' });
 * // decision.allowed === false, decision.reason === 'cross-site'
 */
export function createCrossOriginProtection(): CrossOriginProtection<CrossOriginDecision>;
export function createCrossOriginProtection<const O extends CrossOriginProtectionOptions>(
  options: O,
): CrossOriginProtection<CrossOriginDecisionFor<O>>;
export function createCrossOriginProtection(
  options?: CrossOriginProtectionOptions,
): CrossOriginProtection {
  return build(compileOptions(options === undefined ? {} : options, []));
}

/** The decision type of a protection made from a CORS policy or CORS options. */
export type CrossOriginDecisionFromCors<C, O> =
  C extends CorsPolicy<infer D>
    ? D extends CorsDecision
      ? CrossOriginDecisionFor<O>
      : CrossOriginDecision | Promise<CrossOriginDecision>
    : DecisionFor<C> extends CorsDecision
      ? CrossOriginDecisionFor<O>
      : CrossOriginDecision | Promise<CrossOriginDecision>;

/**
 * Cross-origin protection that trusts exactly the origins `cors` allows **with credentials**, plus
 * the `trustedOrigins` of `options`. One list of origins feeds both checks, so they cannot drift:
 *
 * - `origin: '*'`, or `credentials: false` (the default): no origin is trusted from CORS. Pages of
 *   other origins may read public responses, but only your own pages (and `options.trustedOrigins`)
 *   may send unsafe requests.
 * - `credentials: true`: every `origin` entry (exact, pattern, RegExp, function) is trusted.
 * - `credentials` a function: an origin is trusted when an `origin` entry allows it and the function
 *   returns true for it (called with `{ method, origin }`, as CORS calls it on an actual request).
 *
 * Only cross-origin requests that would otherwise be refused ever reach the CORS functions.
 *
 * @param cors A policy from `createCorsPolicy`, or CORS options (validated the same way).
 * @throws {CorsConfigError} for invalid CORS options or invalid `options`.
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });
 * const protection = createCrossOriginProtectionFromCors(policy);
 */
export function createCrossOriginProtectionFromCors<const C extends CorsPolicy | CorsOptions>(
  cors: C,
): CrossOriginProtection<CrossOriginDecisionFromCors<C, Record<never, never>>>;
export function createCrossOriginProtectionFromCors<
  const C extends CorsPolicy | CorsOptions,
  const O extends CrossOriginProtectionOptions,
>(cors: C, options: O): CrossOriginProtection<CrossOriginDecisionFromCors<C, O>>;
export function createCrossOriginProtectionFromCors(
  cors: CorsPolicy | CorsOptions,
  options?: CrossOriginProtectionOptions,
): CrossOriginProtection {
  const policy: CorsPolicy = isCorsPolicy(cors)
    ? cors
    : createCorsPolicy(cors as Parameters<typeof createCorsPolicy>[0]);
  const { origin, credentials } = policy.options;
  const fromCors: TrustSource[] = [];
  if (origin !== '*' && credentials !== false) {
    // The policy validated these entries already: compiling them again cannot report a problem.
    const matcher = compileOrigins(origin, []);
    fromCors.push({ matcher, credentials: typeof credentials === 'function' ? credentials : null });
  }
  return build(compileOptions(options === undefined ? {} : options, fromCors));
}

function compileOptions(options: unknown, trust: TrustSource[]): CompiledProtection {
  const issues: CrossOriginConfigIssue[] = [];
  const fail = (issue: CrossOriginConfigIssue): number => issues.push(issue);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configError([
      {
        code: 'cross_origin_options_invalid',
        option: 'options',
        value: options,
        message:
          "must be an object such as { trustedOrigins: ['https://app.example.com'] }, or left out.",
      },
    ]);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    fail({
      code: 'cross_origin_option_unknown',
      option: key,
      value: o[key],
      message: `is not an option of cross-origin protection; ${FOREIGN_OPTIONS[key] ?? `the options are ${[...KNOWN_OPTIONS].join(', ')}.`}`,
    });
  }

  const readBoolean = (option: string, code: CrossOriginConfigIssueCode): boolean => {
    const value = o[option];
    if (value === undefined || typeof value === 'boolean') return value === true;
    fail({ code, option, value, message: `must be true or false; got ${describeValue(value)}.` });
    return false;
  };
  const requireBrowserHeaders = readBoolean(
    'requireBrowserHeaders',
    'require_browser_headers_invalid_type',
  );
  const allowInsecure = readBoolean(
    'dangerouslyAllowInsecureOrigins',
    'dangerously_allow_insecure_origins_invalid_type',
  );

  const readList = (option: string, code: CrossOriginConfigIssueCode, example: string) => {
    const value = o[option];
    if (value === undefined) return [];
    if (Array.isArray(value)) return value as unknown[];
    fail({
      code,
      option,
      value,
      message: `must be a list, e.g. ${option}: ${example}; got ${describeValue(value)}.`,
    });
    return [];
  };

  const trustedOrigins = readList(
    'trustedOrigins',
    'trusted_origins_invalid_type',
    "['https://app.example.com']",
  );
  const wildcard = trustedOrigins.indexOf('*');
  if (wildcard >= 0) {
    fail({
      code: 'trusted_origins_wildcard',
      option: `trustedOrigins[${wildcard}]`,
      value: '*',
      message:
        'would trust every origin, which turns the protection off; list the origins whose pages may send requests here, or leave cross-origin protection out.',
    });
  }
  // Where each entry handed to compileOrigins sits in trustedOrigins, for naming it in issues.
  const positions = trustedOrigins.flatMap((entry, index) => (entry === '*' ? [] : [index]));
  const listed = positions.map((index) => trustedOrigins[index]);
  if (listed.length > 0) {
    const originIssues: CorsConfigIssue[] = [];
    const matcher = compileOrigins(listed, originIssues);
    // compileOrigins names the CORS option, `origin[i]`; these entries are trustedOrigins.
    for (const issue of originIssues) {
      const index = positions[Number(/\d+/.exec(issue.option)?.[0])];
      fail({ ...issue, option: `trustedOrigins[${index}]` });
    }
    // Trusting a pattern over a public suffix lets anyone who registers a name there send
    // requests as your users: always refused here (CORS only warns when credentials are off).
    for (const entry of matcher.publicSuffixEntries) {
      const index = positions[Number(/\d+/.exec(entry.option)?.[0])];
      fail({
        code: 'origin_pattern_public_suffix',
        option: `trustedOrigins[${index}]`,
        value: entry.value,
        message: `would trust every site under '${entry.suffix}', a public suffix where anyone can get a name; list your own origins instead, e.g. '${entry.cover.replace('*.', 'your-app.')}'.`,
      });
    }
    if (matcher.allowNull) {
      fail({
        code: 'trusted_origins_null',
        option: `trustedOrigins[${trustedOrigins.indexOf('null')}]`,
        value: 'null',
        message:
          "would trust Origin: null, which any sandboxed iframe or file: page sends; remove 'null'.",
      });
    }
    if (matcher.insecureEntries.length > 0 && !allowInsecure) {
      fail({
        code: 'trusted_origins_insecure',
        option: 'trustedOrigins',
        value: matcher.insecureEntries,
        message: `lists plain-http origins (${matcher.insecureEntries.join(', ')}); anyone on the network path can impersonate them and send requests as your users. Use https, or set dangerouslyAllowInsecureOrigins: true if you accept that risk.`,
      });
    }
    trust.push({ matcher, credentials: null });
  }

  const bypass: BypassPattern[] = [];
  readList('bypass', 'bypass_invalid_type', "['POST /oauth/callback']").forEach((entry, i) => {
    const compiled = compileBypassPattern(entry);
    if (typeof compiled === 'string') {
      fail({ code: 'bypass_invalid', option: `bypass[${i}]`, value: entry, message: compiled });
    } else bypass.push(compiled);
  });

  const proxies: ProxyRange[] = [];
  readList('trustedProxies', 'trusted_proxies_invalid_type', "['10.0.0.0/8']").forEach(
    (entry, i) => {
      const compiled = compileProxyRange(entry);
      if (typeof compiled === 'string') {
        fail({
          code: 'trusted_proxies_invalid',
          option: `trustedProxies[${i}]`,
          value: entry,
          message: compiled,
        });
      } else proxies.push(compiled);
    },
  );

  if (issues.length > 0) throw configError(issues);
  return {
    trust,
    bypass,
    requireBrowserHeaders,
    proxies,
    isAsync: trust.some(
      (source) =>
        source.matcher.functions.some((f) => f.constructor?.name === 'AsyncFunction') ||
        source.credentials?.constructor?.name === 'AsyncFunction',
    ),
  };
}

/**
 * The issues as a `CorsConfigError` (the one configuration error class callers already catch; its
 * issue codes here are {@link CrossOriginConfigIssueCode}s).
 */
function configError(issues: readonly CrossOriginConfigIssue[]): CorsConfigError {
  return new CorsConfigError(issues as readonly CorsConfigIssue[]);
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function decision(allowed: boolean, reason: CrossOriginReason, message: string) {
  return Object.freeze({ allowed, reason, message }) as CrossOriginDecision;
}

const SAFE_METHOD = decision(true, 'safe-method', CROSS_ORIGIN_REASONS['safe-method']);
const SAME_ORIGIN = decision(true, 'same-origin', CROSS_ORIGIN_REASONS['same-origin']);
const USER_INITIATED = decision(true, 'user-initiated', CROSS_ORIGIN_REASONS['user-initiated']);
const ORIGIN_MATCHES_HOST = decision(
  true,
  'origin-matches-host',
  CROSS_ORIGIN_REASONS['origin-matches-host'],
);
const NO_BROWSER_HEADERS = decision(
  true,
  'no-browser-headers',
  CROSS_ORIGIN_REASONS['no-browser-headers'],
);
const TRUSTED_ORIGIN = decision(true, 'trusted-origin', CROSS_ORIGIN_REASONS['trusted-origin']);
const BYPASS = decision(true, 'bypass', CROSS_ORIGIN_REASONS.bypass);
const BROWSER_HEADERS_MISSING = decision(
  false,
  'browser-headers-missing',
  'Refused: the request has neither Sec-Fetch-Site nor Origin, and requireBrowserHeaders is on (only browsers may call here).',
);

/** A request value shown in a message: bounded and escaped, never raw. */
function show(value: string): string {
  return describeValue(value, 100);
}

/** Why a refused request was refused, and what to change if it should pass. */
function refusal(
  reason: CrossOriginReason,
  method: string,
  origin: string,
  host: string,
  secFetchSite: string,
): CrossOriginDecision {
  const from = origin === '' ? 'with no Origin' : `from Origin ${show(origin)}`;
  const fix =
    'If that origin should be able to send this, add it to trustedOrigins (or, for a route that must accept any site, to bypass).';
  switch (reason) {
    case 'cross-site':
    case 'same-site':
      return decision(
        false,
        reason,
        `Refused ${show(method)} ${from}: Sec-Fetch-Site: ${reason} says a page of another origin sent it. ${fix}`,
      );
    case 'sec-fetch-site-unknown':
      return decision(
        false,
        reason,
        `Refused ${show(method)} ${from}: Sec-Fetch-Site ${show(secFetchSite)} is not a value browsers send (same-origin, same-site, cross-site, none).`,
      );
    case 'origin-null':
      return decision(
        false,
        reason,
        `Refused ${show(method)} from Origin null (a sandboxed iframe, a file: page, or a cross-origin redirect): it cannot be trusted, and has no Sec-Fetch-Site.`,
      );
    case 'origin-malformed':
      return decision(
        false,
        reason,
        `Refused ${show(method)} ${from}: it is not an origin a browser sends, and there is no Sec-Fetch-Site.`,
      );
    default:
      return decision(
        false,
        'origin-mismatch',
        `Refused ${show(method)} ${from}: it does not match ${host === '' ? 'the request, which has no Host' : `Host ${show(host)}`}, and there is no Sec-Fetch-Site (an older browser, or a page that is not a secure context). Behind a proxy that changes Host, list it in trustedProxies and have it set X-Forwarded-Host. ${fix}`,
      );
  }
}

function build(compiled: CompiledProtection): CrossOriginProtection<never> {
  const { trust, bypass, requireBrowserHeaders, proxies } = compiled;
  const scan = newOriginScan();

  /** The host the browser addressed: `Host`, or a trusted proxy's `X-Forwarded-Host`. */
  function requestHost(request: CrossOriginRequest): string {
    const forwarded = request.forwardedHost;
    if (proxies.length > 0 && typeof forwarded === 'string' && forwarded !== '') {
      const peer = request.remoteAddress;
      const address = typeof peer === 'string' ? parseAddress(peer) : null;
      if (address !== null && proxies.some((range) => inRange(range, address))) {
        // A proxy that appends writes its own value last; only that proxy is trusted.
        const comma = forwarded.lastIndexOf(',');
        return (comma < 0 ? forwarded : forwarded.slice(comma + 1)).trim();
      }
    }
    return typeof request.host === 'string' ? request.host : '';
  }

  /**
   * True when `host` (a `Host` value) names the host and port of `origin`, scanned into `scan`.
   * Host names are case-insensitive, and a `Host` may spell out the default port of the origin's
   * scheme, which the origin omits. The scheme is not compared: `Host` does not carry it (see
   * docs/csrf.md, "http and https").
   */
  function originMatchesHost(origin: string, host: string): boolean {
    let value = host.toLowerCase();
    const defaultPort = DEFAULT_PORTS[origin.slice(0, scan.schemeEnd)];
    if (scan.port === null && defaultPort !== undefined && value.endsWith(`:${defaultPort}`)) {
      value = value.slice(0, value.length - String(defaultPort).length - 1);
    }
    return value.length === origin.length - scan.hostStart && origin.endsWith(value);
  }

  /** True, false, or a promise of either: whether some trust source trusts `origin`. */
  function isTrusted(origin: string, method: string): boolean | Promise<boolean> {
    if (trust.length === 0 || origin === '' || !scanOrigin(origin, scan)) return false;
    const corsRequest: CorsRequest = { method, origin };
    const pending: PromiseLike<boolean>[] = [];
    for (const source of trust) {
      const allowed = matches(source.matcher, origin, corsRequest);
      if (allowed === false) continue;
      if (source.credentials === null) {
        if (allowed === true) return true;
        pending.push(allowed);
        continue;
      }
      const credentials = source.credentials;
      const withCredentials =
        allowed === true
          ? credentials(origin, corsRequest)
          : Promise.resolve(allowed).then((ok) => ok && credentials(origin, corsRequest));
      if (withCredentials === true) return true;
      if (isThenable<boolean>(withCredentials)) pending.push(withCredentials);
    }
    if (pending.length === 0) return false;
    return Promise.all(pending).then((answers) => answers.some((answer) => answer === true));
  }

  /**
   * Whether a compiled origin list allows `origin` (already scanned into `scan`): `true`, `false`,
   * or a promise when a function answered with one.
   */
  function matches(
    matcher: OriginMatcher,
    origin: string,
    corsRequest: CorsRequest,
  ): boolean | PromiseLike<boolean> {
    if (matcher.exact.has(origin)) return true;
    for (const pattern of matcher.patterns) if (matchesPattern(pattern, origin, scan)) return true;
    for (const regexp of matcher.regexps) if (regexp.test(origin)) return true;
    const waiting: PromiseLike<boolean>[] = [];
    for (const fn of matcher.functions) {
      const answer = fn(origin, corsRequest);
      if (answer === true) return true;
      if (isThenable<boolean>(answer)) waiting.push(answer);
    }
    if (waiting.length === 0) return false;
    return Promise.all(waiting).then((answers) => answers.some((answer) => answer === true));
  }

  /** Exempt (a bypass or a trusted origin) → the allowing decision; otherwise `refused`. */
  function exemptOr(
    request: CrossOriginRequest,
    origin: string,
    refused: () => CrossOriginDecision,
  ): CrossOriginDecision | Promise<CrossOriginDecision> {
    if (bypass.length > 0 && typeof request.path === 'string') {
      if (matchesBypass(bypass, request.method, request.path)) return BYPASS;
    }
    const trusted = isTrusted(origin, request.method);
    if (trusted === true) return TRUSTED_ORIGIN;
    if (trusted === false) return refused();
    // A function that throws or rejects is a bug to surface, as in `decide`: the promise rejects.
    return trusted.then((answer) => (answer ? TRUSTED_ORIGIN : refused()));
  }

  function check(request: CrossOriginRequest): CrossOriginDecision | Promise<CrossOriginDecision> {
    const method = request.method;
    if (isSafeMethod(method)) return SAFE_METHOD;

    const site = typeof request.secFetchSite === 'string' ? request.secFetchSite : '';
    const origin = typeof request.origin === 'string' ? request.origin : '';
    if (site !== '') {
      // Fetch Metadata (W3C "Fetch Metadata Request Headers" §2.1): set by the browser, never by a page.
      if (site === 'same-origin') return SAME_ORIGIN;
      if (site === 'none') return USER_INITIATED;
      const reason: CrossOriginReason =
        site === 'cross-site' || site === 'same-site' ? site : 'sec-fetch-site-unknown';
      return exemptOr(request, origin, () => refusal(reason, method, origin, '', site));
    }
    if (origin === '') return requireBrowserHeaders ? BROWSER_HEADERS_MISSING : NO_BROWSER_HEADERS;

    const host = requestHost(request);
    let reason: CrossOriginReason = 'origin-mismatch';
    if (origin === 'null') reason = 'origin-null';
    else if (!scanOrigin(origin, scan)) reason = 'origin-malformed';
    else if (host !== '' && originMatchesHost(origin, host)) return ORIGIN_MATCHES_HOST;
    return exemptOr(request, origin, () => refusal(reason, method, origin, host, ''));
  }

  return Object.freeze({
    check: check as CrossOriginProtection<never>['check'],
    isAsync: compiled.isAsync,
  });
}

/** Safe methods (RFC 9110 §9.2.1) are never checked; compared case-sensitively, as Go does. */
function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

function headerValue(value: HeaderRecord[string]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : value.join(', ');
}

/**
 * Reads what cross-origin protection decides on from a Node-style header object (`req.headers` of
 * `node:http`, Express, Fastify, Koa). A list of values is joined with `", "`, as HTTP joins a
 * repeated field: two `Sec-Fetch-Site` values are then no value a browser sends, and are refused.
 * Safe methods are answered without headers, so none is read for them.
 *
 * @param target The request-target as received, `req.url` (path and query, not decoded).
 * @param remoteAddress The TCP peer, `req.socket.remoteAddress`; needed only with `trustedProxies`.
 * @example
 * const decision = protection.check(
 *   crossOriginRequestFromHeaderRecord(req.method ?? '', req.url ?? '/', req.headers, req.socket.remoteAddress),
 * );
 */
export function crossOriginRequestFromHeaderRecord(
  method: string,
  target: string,
  headers: HeaderRecord,
  remoteAddress?: string | null,
): CrossOriginRequest {
  if (isSafeMethod(method)) return { method, path: target };
  return {
    method,
    path: target,
    // HTTP/2 clients may send only the :authority pseudo-header, which Node lists with the headers.
    host: headerValue(headers.host ?? headers[':authority']),
    origin: headerValue(headers.origin),
    secFetchSite: headerValue(headers['sec-fetch-site']),
    forwardedHost: headerValue(headers['x-forwarded-host']),
    remoteAddress,
  };
}

/**
 * Reads what cross-origin protection decides on from a Fetch `Request`'s method, URL and `Headers`
 * (Deno, Bun, workers, Hono-like frameworks). `url` is `request.url`, absolute: its path and query
 * are the request-target, and its host stands in for a missing `Host` header. The URL is cut as
 * text, never parsed: the runtime already normalised it, and that is the path its router sees.
 *
 * @example
 * const decision = protection.check(crossOriginRequestFromHeaders(request.method, request.url, request.headers));
 */
export function crossOriginRequestFromHeaders(
  method: string,
  url: string,
  headers: Pick<HeadersLike, 'get'>,
  remoteAddress?: string | null,
): CrossOriginRequest {
  const schemeEnd = url.indexOf('://');
  const authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
  let pathStart = schemeEnd < 0 ? 0 : url.slice(authorityStart).search(/[/?#]/);
  pathStart = pathStart < 0 ? url.length : pathStart + authorityStart;
  const fragment = url.indexOf('#', pathStart);
  const rest = url.slice(pathStart, fragment < 0 ? url.length : fragment);
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  if (isSafeMethod(method)) return { method, path };
  return {
    method,
    path,
    host: headers.get('host') ?? (schemeEnd < 0 ? null : url.slice(authorityStart, pathStart)),
    origin: headers.get('origin'),
    secFetchSite: headers.get('sec-fetch-site'),
    forwardedHost: headers.get('x-forwarded-host'),
    remoteAddress,
  };
}

/**
 * The cross-origin step of one request, as every adapter takes it (node:http, Express, Koa, Fastify
 * and the rest): `null` when there is no protection (a policy without `crossOriginProtection`), else
 * its decision for the request, a promise only when a trusted-origin function returns one. A safe
 * method gets the shared `safe-method` decision at once: no header is read, nothing is allocated.
 * Adapters call it before the route for every request that is not an answered preflight, report the
 * decision, and on a refusal send {@link crossOriginRefusalResponse} with the request's CORS headers.
 *
 * @param protection `policy.crossOriginProtection`, or a protection of its own.
 * @param target The request-target as received, before any router strips a mount prefix (Express
 *   `req.originalUrl`, Koa `ctx.originalUrl`, Fastify `request.raw.url`, node:http `req.url`).
 * @param remoteAddress The TCP peer, `req.socket.remoteAddress`; read only with `trustedProxies`.
 * @example
 * const decision = checkCrossOriginFromHeaderRecord(policy.crossOriginProtection, req.method ?? '',
 *   req.url ?? '/', req.headers, req.socket.remoteAddress);
 * if (decision !== null && !isThenable(decision) && !decision.allowed) { … 403 … }
 */
export function checkCrossOriginFromHeaderRecord(
  protection: CrossOriginProtection | null | undefined,
  method: string,
  target: string,
  headers: HeaderRecord,
  remoteAddress?: string | null,
): CrossOriginDecision | Promise<CrossOriginDecision> | null {
  // `undefined`: a policy made by an older copy of this package, which has no protection.
  if (protection === null || protection === undefined) return null;
  if (isSafeMethod(method)) return SAFE_METHOD;
  return protection.check(
    crossOriginRequestFromHeaderRecord(method, target, headers, remoteAddress),
  );
}

/**
 * A request as Node hands it to node:http, Express, Koa and Fastify (`IncomingMessage`), as far as
 * the cross-origin check reads it.
 */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: HeaderRecord;
  readonly socket?: { readonly remoteAddress?: string | undefined } | undefined;
}

/**
 * {@link checkCrossOriginFromHeaderRecord} on Node's request, as node:http, Express, Koa and
 * Fastify (and through @cors/node, Nest) hand it over: its method, headers and TCP peer.
 *
 * @param target The request-target as received, `message.url` unless given: a framework that
 *   rewrites `url` under a mount keeps the original elsewhere (Express `req.originalUrl`, Koa
 *   `ctx.originalUrl`).
 * @example
 * const checked = checkCrossOriginFromNodeRequest(policy.crossOriginProtection, req, req.originalUrl);
 */
export function checkCrossOriginFromNodeRequest(
  protection: CrossOriginProtection | null | undefined,
  message: NodeRequestLike,
  target: string = message.url ?? '/',
): CrossOriginDecision | Promise<CrossOriginDecision> | null {
  const { method = '', headers, socket } = message;
  return checkCrossOriginFromHeaderRecord(
    protection,
    method,
    target,
    headers,
    socket?.remoteAddress,
  );
}

/**
 * What a Node-style adapter (node:http, Express, Koa, Fastify) does with the result of
 * {@link checkCrossOriginFromHeaderRecord}, stated once: report the decision to the listener, and
 * on a refusal give the core's answer ({@link crossOriginRefusalResponse}) to `refuse`, which writes
 * it. Returns whether the request was refused (so the route must not run): `false` at once without
 * protection (`null`), a promise only when the check is one (an async trusted-origin function).
 *
 * @example
 * const refused = settleCrossOriginCheck(checked, req, onCrossOriginDecision, (refusal) =>
 *   res.writeHead(refusal.status, refusal.headers).end(refusal.body));
 */
export function settleCrossOriginCheck<Request>(
  checked: CrossOriginDecision | Promise<CrossOriginDecision> | null,
  request: Request,
  listener: ((decision: CrossOriginDecision, request: Request) => void) | undefined,
  refuse: (refusal: CrossOriginRefusalResponse) => void,
): boolean | Promise<boolean> {
  if (checked === null) return false;
  const settle = (decision: CrossOriginDecision): boolean => {
    if (listener !== undefined) listener(decision, request);
    if (decision.allowed) return false;
    refuse(crossOriginRefusalResponse(decision));
    return true;
  };
  return isThenable<CrossOriginDecision>(checked) ? checked.then(settle) : settle(checked);
}

/**
 * {@link checkCrossOriginFromHeaders} for a Fetch `Request` as it is: its `url` is read only for an
 * unsafe method under a protection, since on some runtimes (Node's undici) reading it serializes
 * the URL again. The per-request step of `@cors/fetch` and `@cors/hono`.
 *
 * @example
 * const decision = checkCrossOriginFromRequest(policy.crossOriginProtection, request);
 */
export function checkCrossOriginFromRequest(
  protection: CrossOriginProtection | null | undefined,
  request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Pick<HeadersLike, 'get'>;
  },
): CrossOriginDecision | Promise<CrossOriginDecision> | null {
  if (protection === null || protection === undefined) return null;
  const { method } = request;
  if (isSafeMethod(method)) return SAFE_METHOD;
  return protection.check(crossOriginRequestFromHeaders(method, request.url, request.headers));
}

/**
 * {@link checkCrossOriginFromHeaderRecord} for Fetch runtimes: a `Request`'s method, absolute URL
 * and `Headers` (see {@link crossOriginRequestFromHeaders}).
 *
 * @example
 * const decision = checkCrossOriginFromHeaders(policy.crossOriginProtection, request.method,
 *   request.url, request.headers);
 */
export function checkCrossOriginFromHeaders(
  protection: CrossOriginProtection | null | undefined,
  method: string,
  url: string,
  headers: Pick<HeadersLike, 'get'>,
  remoteAddress?: string | null,
): CrossOriginDecision | Promise<CrossOriginDecision> | null {
  if (protection === null || protection === undefined) return null;
  if (isSafeMethod(method)) return SAFE_METHOD;
  return protection.check(crossOriginRequestFromHeaders(method, url, headers, remoteAddress));
}
