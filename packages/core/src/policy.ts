/**
 * `createCorsPolicy`: validates the whole configuration at once, reports every problem in one
 * `CorsConfigError`, and compiles what it can so that deciding a request is lookups.
 */
import {
  createCrossOriginProtection,
  createCrossOriginProtectionFromCors,
  type CrossOriginProtection,
  type CrossOriginProtectionOptions,
} from './cross-origin-protection.js';
import { createDecider, type CompiledPolicy } from './decide.js';
import { POLICY_RULES } from './explain.js';
import { CorsConfigError, describeValue, type CorsConfigIssue } from './errors.js';
import { compileOrigins, type OriginMatcher, type PublicSuffixEntry } from './origin-config.js';
import {
  FORBIDDEN_METHODS,
  NORMALIZED_METHODS,
  isForbiddenRequestHeader,
  isToken,
  splitList,
} from './tokens.js';
import type {
  CheckedCorsOptions,
  CorsOptions,
  CorsPolicy,
  CorsRequest,
  CredentialsFunction,
  DecisionFor,
  NormalizedCorsOptions,
  OriginEntry,
} from './types.js';

/** Methods allowed when `methods` is not given: the same on every adapter. */
export const DEFAULT_METHODS: readonly string[] = Object.freeze([
  'GET',
  'HEAD',
  'PUT',
  'PATCH',
  'POST',
  'DELETE',
]);

/** The largest `maxAge` accepted: Firefox's cap. Chromium caps at 7200. */
export const MAX_MAX_AGE = 86400;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'origin',
  'credentials',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'maxAge',
  'preflightContinue',
  'optionsSuccessStatus',
  'allowPrivateNetwork',
  'dangerouslyAllowInsecureOrigins',
  'crossOriginProtection',
]);

/** Option names from other libraries, and what to write here instead. */
const FOREIGN_OPTIONS: Readonly<Record<string, string>> = {
  origins: "write 'origin'.",
  credential: "write 'credentials'.",
  allowHeaders: "write 'allowedHeaders' (the name used by cors and @fastify/cors).",
  allowMethods: "write 'methods'.",
  exposeHeaders: "write 'exposedHeaders'.",
  headers: "write 'allowedHeaders'.",
  maxage: "write 'maxAge'.",
  privateNetworkAccess: "write 'allowPrivateNetwork'.",
  strictPreflight:
    'preflights are always checked strictly, as the Fetch Standard requires; remove it.',
  keepHeadersOnError: 'CORS headers are always kept on error responses; remove it.',
  secureContext:
    'set Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy yourself; they are not CORS headers. Remove it.',
  delegator:
    'pass a function as `origin` or `credentials`, or give the route its own policy. Remove it.',
  cacheControl: 'set Cache-Control on preflights yourself if you need it; remove it.',
  preflight:
    'preflights are always answered; to pass allowed preflights on to your routes, write preflightContinue: true. Remove it.',
  hook: 'this is an option of the @cors/fastify plugin, not of the policy; pass it to the plugin.',
  hideOptionsRoute:
    'this is an option of the @cors/fastify plugin, not of the policy; pass it to the plugin.',
  logLevel:
    'this is an option of the @cors/fastify plugin, not of the policy; pass it to the plugin.',
  csrf: "write 'crossOriginProtection' (true, or its options).",
  csrfProtection: "write 'crossOriginProtection' (true, or its options).",
};

/**
 * The distance between two names in single-character edits, a swap of neighbours counting as one
 * (optimal string alignment): `orgin` and `credentails` are one edit from the real names.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (rows[i - 1] as number[])[j]! + 1,
        row[j - 1]! + 1,
        (rows[i - 1] as number[])[j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (rows[i - 2] as number[])[j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** "did you mean" for a mistyped option name: the closest known one, if it is close. */
function didYouMean(key: string): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const known of KNOWN_OPTIONS) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.min(3, Math.floor(key.length / 3)))
    ? `did you mean '${best}'?`
    : `the options are ${[...KNOWN_OPTIONS].join(', ')}.`;
}

const POLICY_BRAND = Symbol.for('@cors/core.policy');

/** True for a policy made by `createCorsPolicy` (of any copy of this package). */
export function isCorsPolicy(value: unknown): value is CorsPolicy {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[POLICY_BRAND] === true
  );
}

/**
 * Validates and compiles CORS options into a policy.
 *
 * @throws {CorsConfigError} listing every problem in `options`, each with the fix.
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });
 * const decision = policy.decide({ method: 'GET', origin: 'https://app.example.com' });
 */
export function createCorsPolicy<const O extends CorsOptions>(
  options: O & CheckedCorsOptions<O>,
): CorsPolicy<DecisionFor<O>> {
  const issues: CorsConfigIssue[] = [];
  const warnings: CorsConfigIssue[] = [];
  const compiled = compile(options, issues, warnings);
  const protection = protectionOptions(options, issues);
  if (issues.length > 0 || compiled === null) {
    // Report the protection's problems with the rest, so one start-up shows everything to fix.
    if (protection !== null) compileProtection(null, protection, issues);
    throw new CorsConfigError(issues);
  }
  const { decide, rules } = createDecider(compiled);
  const policy = {
    decide: decide as (request: CorsRequest) => DecisionFor<O>,
    options: compiled.options,
    warnings: Object.freeze(warnings),
    crossOriginProtection: null as CrossOriginProtection | null,
    [POLICY_BRAND]: true,
  };
  Object.defineProperty(policy, POLICY_RULES, { value: rules });
  if (protection !== null) {
    // Trusts what this very policy allows with credentials: it reads `options`, set above.
    policy.crossOriginProtection = compileProtection(policy, protection, issues);
    if (issues.length > 0) throw new CorsConfigError(issues);
  }
  return Object.freeze(policy);
}

/** The `crossOriginProtection` option as protection options, or `null` when it is off. */
function protectionOptions(
  options: unknown,
  issues: CorsConfigIssue[],
): CrossOriginProtectionOptions | null {
  if (typeof options !== 'object' || options === null) return null;
  const value = (options as Record<string, unknown>).crossOriginProtection;
  if (value === undefined || value === false) return null;
  if (value === true) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as CrossOriginProtectionOptions;
  issues.push({
    code: 'cross_origin_protection_invalid_type',
    option: 'crossOriginProtection',
    value,
    message: `must be true, false, or its options such as { trustedOrigins: ['https://app.example.com'] }; got ${describeValue(value)}.`,
  });
  return null;
}

/**
 * Compiles the protection of `policy` (or, without a policy, only validates its options), putting
 * its problems in `issues` under `crossOriginProtection.<option>`.
 */
function compileProtection(
  policy: CorsPolicy | null,
  options: CrossOriginProtectionOptions,
  issues: CorsConfigIssue[],
): CrossOriginProtection | null {
  try {
    if (policy === null) createCrossOriginProtection(options);
    else return createCrossOriginProtectionFromCors(policy, options);
  } catch (error) {
    // Both throw only a CorsConfigError, after validating every option.
    for (const issue of (error as CorsConfigError).issues) {
      issues.push({ ...issue, option: `crossOriginProtection.${issue.option}` });
    }
  }
  return null;
}

function compile(
  options: unknown,
  issues: CorsConfigIssue[],
  warnings: CorsConfigIssue[],
): CompiledPolicy | null {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    issues.push({
      code: 'options_invalid',
      option: 'options',
      value: options,
      message: "must be an object such as { origin: 'https://app.example.com' }.",
    });
    return null;
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (KNOWN_OPTIONS.has(key)) continue;
    issues.push({
      code: 'option_unknown',
      option: key,
      value: o[key],
      message: `is not an option of @cors/core; ${FOREIGN_OPTIONS[key] ?? didYouMean(key)}`,
    });
  }

  const dangerouslyAllowInsecureOrigins = readBoolean(
    o,
    'dangerouslyAllowInsecureOrigins',
    'dangerously_allow_insecure_origins_invalid_type',
    issues,
  );
  const preflightContinue = readBoolean(
    o,
    'preflightContinue',
    'preflight_continue_invalid_type',
    issues,
  );
  const allowPrivateNetwork = readBoolean(
    o,
    'allowPrivateNetwork',
    'allow_private_network_invalid_type',
    issues,
  );

  // origin
  let wildcard = false;
  let matcher: OriginMatcher | null = null;
  if (!('origin' in o) || o.origin === undefined) {
    issues.push({
      code: 'origin_required',
      option: 'origin',
      value: undefined,
      message:
        "is required: write '*' for a public API, or list the origins that may call you, e.g. ['https://app.example.com'].",
    });
  } else if (o.origin === '*') {
    wildcard = true;
  } else {
    matcher = compileOrigins(o.origin, issues);
  }

  // credentials
  let credentials: boolean | CredentialsFunction = false;
  if (o.credentials !== undefined) {
    if (typeof o.credentials === 'boolean') credentials = o.credentials;
    else if (typeof o.credentials === 'function') {
      credentials = o.credentials as CredentialsFunction;
    } else {
      issues.push({
        code: 'credentials_invalid_type',
        option: 'credentials',
        value: o.credentials,
        message: `must be true, false or a function (origin, request) => boolean; got ${describeValue(o.credentials)}.`,
      });
    }
  }
  const withCredentials = credentials !== false;

  const methods = readMethods(o.methods, issues);
  const allowedHeaders = readHeaderList(o.allowedHeaders, 'allowedHeaders', issues);
  const exposedHeaders = readHeaderList(o.exposedHeaders, 'exposedHeaders', issues);

  // Read only when set: a function runs (and V8 compiles it) only when it is called.
  const maxAge = o.maxAge === undefined ? undefined : readMaxAge(o.maxAge, issues);
  const optionsSuccessStatus =
    o.optionsSuccessStatus === undefined
      ? 204
      : readOptionsSuccessStatus(o.optionsSuccessStatus, issues);

  // Combinations that browsers refuse or that would expose credentialed responses.
  if (withCredentials) {
    const refuse = (
      code: CorsConfigIssue['code'],
      option: string,
      value: unknown,
      message: string,
    ) => issues.push({ code, option, value, message });
    if (wildcard) {
      refuse(
        'credentials_with_wildcard_origin',
        'credentials',
        o.credentials,
        "cannot go with origin: '*': browsers refuse it, and reflecting every origin instead would let any site read your users' data. List the origins that may send credentials.",
      );
    }
    if (matcher?.allowNull) {
      refuse(
        'credentials_with_null_origin',
        'origin',
        'null',
        "lists 'null' together with credentials: any sandboxed iframe or file: page sends Origin: null, so this lets any site read credentialed responses. Remove 'null' or set credentials: false.",
      );
    }
    if (matcher && matcher.insecureEntries.length > 0 && !dangerouslyAllowInsecureOrigins) {
      refuse(
        'credentials_with_insecure_origin',
        'origin',
        matcher.insecureEntries,
        `lists plain-http origins (${matcher.insecureEntries.join(', ')}) together with credentials; anyone on the network path can impersonate them. Use https, or set dangerouslyAllowInsecureOrigins: true if you accept that risk.`,
      );
    }
    if (exposedHeaders !== null && exposedHeaders.includes('*')) {
      refuse(
        'credentials_with_wildcard_exposed_headers',
        'exposedHeaders',
        o.exposedHeaders,
        "'*' is taken literally on credentialed requests, so it exposes nothing; list the header names.",
      );
    }
    if (allowedHeaders !== null && allowedHeaders.includes('*')) {
      refuse(
        'credentials_with_wildcard_allowed_headers',
        'allowedHeaders',
        o.allowedHeaders,
        "'*' is taken literally on credentialed requests, so it allows nothing; list the header names, or leave allowedHeaders unset to allow the requested ones.",
      );
    }
    if (methods === '*') {
      refuse(
        'credentials_with_wildcard_methods',
        'methods',
        o.methods,
        "'*' is taken literally on credentialed requests, so it allows nothing; list the methods.",
      );
    }
  }
  if (matcher !== null && matcher.publicSuffixEntries.length > 0)
    reportPublicSuffixEntries(matcher.publicSuffixEntries, withCredentials, issues, warnings);
  if (allowPrivateNetwork && wildcard) {
    issues.push({
      code: 'private_network_with_wildcard_origin',
      option: 'allowPrivateNetwork',
      value: true,
      message:
        "needs specific origins: Private Network Access is never granted to origin: '*'. List the origins.",
    });
  }

  if (issues.length > 0) return null;

  const normalized: NormalizedCorsOptions = Object.freeze({
    origin: wildcard
      ? '*'
      : Object.freeze(
          Array.isArray(o.origin) ? [...(o.origin as OriginEntry[])] : [o.origin as OriginEntry],
        ),
    credentials,
    methods: methods === '*' ? '*' : Object.freeze([...(methods ?? DEFAULT_METHODS)]),
    allowedHeaders: allowedHeaders === null ? 'reflect' : Object.freeze([...allowedHeaders]),
    exposedHeaders: Object.freeze([...(exposedHeaders ?? [])]),
    maxAge,
    preflightContinue,
    optionsSuccessStatus,
    allowPrivateNetwork,
    dangerouslyAllowInsecureOrigins,
  });
  return { options: normalized, wildcard, matcher };
}

/**
 * Anyone can own a name under a public suffix: with credentials that is reading your users' data
 * (an issue), without it a reading of your public responses by strangers, which may be what you
 * mean (a warning).
 */
function reportPublicSuffixEntries(
  entries: readonly PublicSuffixEntry[],
  withCredentials: boolean,
  issues: CorsConfigIssue[],
  warnings: CorsConfigIssue[],
): void {
  for (const entry of entries) {
    const whose =
      entry.section === 'private'
        ? `a shared-hosting domain on the Public Suffix List, where anyone can get a subdomain`
        : `a public suffix, where anyone can register a name`;
    const what = entry.cover === entry.value ? '' : `matches ${entry.cover}, which `;
    (withCredentials ? issues : warnings).push({
      code: 'origin_pattern_public_suffix',
      option: entry.option,
      value: entry.value,
      message: `${what}would allow every site under '${entry.suffix}', ${whose}${withCredentials ? ', together with credentials' : ''}; list your own origins there instead, e.g. '${entry.cover.replace('*.', 'your-app.')}'.`,
    });
  }
}

function readMaxAge(value: unknown, issues: CorsConfigIssue[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    issues.push({
      code: 'max_age_invalid',
      option: 'maxAge',
      value,
      message: `must be a whole number of seconds, 0 or more (0 disables the browser's preflight cache); got ${describeValue(value)}.`,
    });
    return undefined;
  }
  if (value > MAX_MAX_AGE) {
    issues.push({
      code: 'max_age_too_large',
      option: 'maxAge',
      value,
      message: `is more than any browser keeps a preflight (Chromium caps at 7200, Firefox at ${MAX_MAX_AGE}); write 7200.`,
    });
    return undefined;
  }
  return value;
}

function readOptionsSuccessStatus(value: unknown, issues: CorsConfigIssue[]): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value > 299) {
    issues.push({
      code: 'options_success_status_invalid',
      option: 'optionsSuccessStatus',
      value,
      message: `must be an ok status from 200 to 299 (browsers fail a preflight with any other); got ${describeValue(value)}. Write 204, or 200 for very old clients.`,
    });
    return 204;
  }
  return value;
}

function readBoolean(
  o: Record<string, unknown>,
  option: string,
  code: CorsConfigIssue['code'],
  issues: CorsConfigIssue[],
): boolean {
  const value = o[option];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  issues.push({
    code,
    option,
    value,
    message: `must be true or false; got ${describeValue(value)}.`,
  });
  return false;
}

function toList(value: unknown): unknown[] | null {
  if (typeof value === 'string') return splitList(value);
  if (Array.isArray(value)) return value;
  return null;
}

function readMethods(value: unknown, issues: CorsConfigIssue[]): '*' | string[] | null {
  if (value === undefined) return null;
  const list = toList(value);
  if (list === null) {
    issues.push({
      code: 'methods_invalid_type',
      option: 'methods',
      value,
      message: `must be a list of methods such as ['GET', 'PUT'] or a comma-separated string; got ${describeValue(value)}.`,
    });
    return null;
  }
  if (list.includes('*')) return '*';
  const methods: string[] = [];
  list.forEach((method, index) => {
    const option = Array.isArray(value) ? `methods[${index}]` : 'methods';
    if (typeof method !== 'string' || !isToken(method)) {
      issues.push({
        code: 'methods_invalid_token',
        option,
        value: method,
        message: `must be an HTTP method token such as 'PUT'; got ${describeValue(method)}.`,
      });
      return;
    }
    const upper = method.toUpperCase();
    if (FORBIDDEN_METHODS.has(upper)) {
      issues.push({
        code: 'methods_forbidden',
        option,
        value: method,
        message: `'${method}' is a forbidden method: browsers never send it, and allowing it invites cross-site tracing. Remove it.`,
      });
      return;
    }
    if (upper !== method && NORMALIZED_METHODS.has(upper)) {
      issues.push({
        code: 'methods_not_normalized',
        option,
        value: method,
        message: `browsers upper-case '${method}' before sending it, and methods are matched case-sensitively; write '${upper}'.`,
      });
      return;
    }
    if (!methods.includes(method)) methods.push(method);
  });
  return methods;
}

function readHeaderList(
  value: unknown,
  option: 'allowedHeaders' | 'exposedHeaders',
  issues: CorsConfigIssue[],
): string[] | null {
  if (value === undefined) return null;
  const prefix = option === 'allowedHeaders' ? 'allowed_headers' : 'exposed_headers';
  const list = toList(value);
  if (list === null) {
    issues.push({
      code: `${prefix}_invalid_type`,
      option,
      value,
      message: `must be a list of header names such as ['Content-Type', 'X-Request-Id'], a comma-separated string, or '*'; got ${describeValue(value)}.`,
    });
    return null;
  }
  const names: string[] = [];
  list.forEach((name, index) => {
    if (name === '*') {
      if (!names.includes('*')) names.push('*');
      return;
    }
    if (typeof name !== 'string' || !isToken(name)) {
      issues.push({
        code: `${prefix}_invalid_token`,
        option: Array.isArray(value) ? `${option}[${index}]` : option,
        value: name,
        message: `must be a header name (letters, digits and !#$%&'*+-.^_\`|~); got ${describeValue(name)}.`,
      });
      return;
    }
    // Header names are case-insensitive; browsers send them lower-cased in preflights.
    const lower = name.toLowerCase();
    if (
      option === 'allowedHeaders' &&
      // A browser sets this Private Network Access header itself, like the forbidden ones.
      (isForbiddenRequestHeader(lower) || lower === 'access-control-request-private-network')
    ) {
      issues.push({
        code: 'allowed_headers_forbidden',
        option: Array.isArray(value) ? `${option}[${index}]` : option,
        value: name,
        message:
          lower === 'cookie' || lower === 'cookie2'
            ? `'${name}' is set by the browser, never by a page, so no preflight asks for it; to send cookies cross-origin, write credentials: true (and credentials: 'include' in the page's fetch). Remove it.`
            : `'${name}' is a forbidden request-header name (Fetch §2.2.2): the browser sets it itself and never lists it in a preflight, so allowing it does nothing. Remove it.`,
      });
      return;
    }
    if (!names.includes(lower)) names.push(lower);
  });
  return names;
}
