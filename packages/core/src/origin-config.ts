/**
 * Configured origins: validation with messages that say what to write, and compilation into a
 * matcher whose common case (an exact origin) is one `Set` lookup. Patterns are a closed syntax
 * (`https://*.example.com`, `http://localhost:*`), never regular expressions built from strings.
 */
import { describeValue, type CorsConfigIssue } from './errors.js';
import {
  DEFAULT_PORTS,
  MAX_ORIGIN_LENGTH,
  newOriginScan,
  parseOrigin,
  scanOrigin,
  type OriginScan,
  type TupleOrigin,
} from './origin.js';
import { analyseOriginRegExp } from './origin-regexp.js';
import { publicSuffixSection, type PublicSuffixSection } from './public-suffix.js';
import type { OriginFunction } from './types.js';

/** A compiled `scheme://*.domain[:port]` or `scheme://host:*` pattern. */
export interface OriginPattern {
  readonly source: string;
  readonly scheme: string;
  /** For `*.example.com`: `.example.com`; `null` for an exact host. */
  readonly hostSuffix: string | null;
  /** For an exact host with any port: the host. */
  readonly host: string | null;
  /** A specific port, `null` for the default port, or `'*'` for any port. */
  readonly port: number | null | '*';
}

/** An entry whose pattern lies directly over a public suffix (anyone can own a name under it). */
export interface PublicSuffixEntry {
  readonly option: string;
  readonly value: string | RegExp;
  /** The pattern: the entry itself, or the one that covers what a RegExp matches. */
  readonly cover: string;
  readonly suffix: string;
  readonly section: PublicSuffixSection;
}

export interface OriginMatcher {
  readonly exact: ReadonlySet<string>;
  readonly allowNull: boolean;
  readonly patterns: readonly OriginPattern[];
  readonly regexps: readonly RegExp[];
  readonly functions: readonly OriginFunction[];
  /** True when any entry needs more than a `Set` lookup. */
  readonly needsParse: boolean;
  /**
   * Plain-http origins or patterns on a non-loopback host, as strings (a RegExp's cover), for the
   * credentials check.
   */
  readonly insecureEntries: readonly string[];
  /** Patterns, and RegExps, over a public suffix: refused with credentials, reported without. */
  readonly publicSuffixEntries: readonly PublicSuffixEntry[];
}

type Issue = Omit<CorsConfigIssue, 'option' | 'value'>;
type IssueDiagnosis = { readonly kind: 'issue'; readonly issue: Issue };
/** What a configured string that is not an origin as a browser sends it can be. */
type NotAnOrigin =
  | {
      readonly kind: 'pattern';
      readonly pattern: OriginPattern;
      /** Set when the pattern's domain is a public suffix: anyone can own a name under it. */
      readonly publicSuffix: PublicSuffixSection | null;
    }
  | IssueDiagnosis;
type Diagnosis = { readonly kind: 'exact'; readonly origin: TupleOrigin } | NotAnOrigin;

const fail = (code: Issue['code'], message: string): IssueDiagnosis => ({
  kind: 'issue',
  issue: { code, message },
});

/** True for hosts that only the local machine can serve: `localhost`, `*.localhost`, loopback IPs. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

function isInsecure(scheme: string, host: string): boolean {
  return (scheme === 'http' || scheme === 'ws') && !isLoopbackHost(host);
}

/** {@link isInsecure} for an origin that {@link scanOrigin} accepted into `scan`, without slicing it. */
function isInsecureScanned(value: string, scan: OriginScan): boolean {
  const plain =
    (scan.schemeEnd === 4 && value.startsWith('http')) ||
    (scan.schemeEnd === 2 && value.startsWith('ws'));
  return plain && !isLoopbackHost(value.slice(scan.hostStart, scan.hostEnd));
}

/** The origin a browser would send for a mistyped configured value: the fix to suggest. */
function suggestOrigin(value: string): string {
  let text = value.trim().toLowerCase();
  let schemeEnd = text.indexOf('://');
  if (schemeEnd <= 0) {
    text = `https://${text.replace(/^\/+/, '')}`;
    schemeEnd = 5;
  }
  const scheme = text.slice(0, schemeEnd);
  let authority = text.slice(schemeEnd + 3).split(/[/?#]/)[0] as string;
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  const { host, port } = splitAuthority(authority);
  const keepPort = port !== null && port !== '' && DEFAULT_PORTS[scheme] !== Number(port);
  return `${scheme}://${host}${keepPort ? `:${port}` : ''}`;
}

/** Validates one configured origin string (exact or pattern) and says what to write instead. */
export function diagnoseOriginString(value: string): Diagnosis {
  const parsed = parseOrigin(value);
  if (parsed !== null && parsed.kind === 'tuple') return { kind: 'exact', origin: parsed };
  return diagnoseNotAnOrigin(value);
}

/**
 * Validates a configured string that is not an origin as a browser sends it: the pattern it is, or
 * the mistake, with what to write instead. (None of these checks fires on an origin a browser sends,
 * so they may come after {@link parseOrigin}.)
 */
export function diagnoseNotAnOrigin(value: string): NotAnOrigin {
  if (value.length > MAX_ORIGIN_LENGTH) {
    return fail(
      'origin_too_long',
      `is longer than ${MAX_ORIGIN_LENGTH} characters; no browser sends such an origin.`,
    );
  }
  if (value.includes(',')) {
    const parts = value.split(',').map((part) => `'${part.trim()}'`);
    return fail(
      'origin_comma_list',
      `is a comma-separated list; write an array instead: [${parts.join(', ')}].`,
    );
  }
  if (/\s/.test(value)) {
    return fail('origin_whitespace', `contains white space; write '${value.trim()}'.`);
  }
  const schemeEnd = value.indexOf('://');
  if (schemeEnd <= 0) {
    return fail(
      'origin_missing_scheme',
      `has no scheme; an origin is scheme://host[:port], e.g. '${suggestOrigin(value)}'.`,
    );
  }
  const lower = value.toLowerCase();
  if (lower !== value) {
    return fail(
      'origin_uppercase',
      `has upper-case letters, but browsers send origins in lower case; write '${suggestOrigin(value)}'.`,
    );
  }
  const scheme = value.slice(0, schemeEnd);
  const rest = value.slice(schemeEnd + 3);
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  if (slash >= 0) {
    const originOnly = suggestOrigin(value);
    return rest.slice(slash) === '/'
      ? fail(
          'origin_trailing_slash',
          `ends with '/', which browsers never send; write '${originOnly}'.`,
        )
      : fail(
          'origin_has_path',
          `has a path, query or fragment, which an origin never has; write '${originOnly}'.`,
        );
  }
  if (authority.includes('@')) {
    return fail(
      'origin_has_userinfo',
      `has user information, which an origin never has; write '${scheme}://${authority.slice(authority.lastIndexOf('@') + 1)}'.`,
    );
  }
  if (authority.includes('*')) return diagnosePattern(value, scheme, authority);
  return diagnoseAuthority(value, scheme, authority);
}

function splitAuthority(authority: string): { host: string; port: string | null } {
  const bracketEnd = authority.startsWith('[') ? authority.indexOf(']') : -1;
  const colon = authority.indexOf(':', bracketEnd + 1);
  return colon < 0
    ? { host: authority, port: null }
    : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

function diagnoseAuthority(value: string, scheme: string, authority: string): IssueDiagnosis {
  const { host, port } = splitAuthority(authority);
  if (port !== null) {
    const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
    if (!(n >= 0 && n <= 65535) || (port.length > 1 && port.startsWith('0'))) {
      return fail(
        'origin_invalid_port',
        `has the port '${port}'; a port is an integer from 0 to 65535 without leading zeros.`,
      );
    }
    if (DEFAULT_PORTS[scheme] === n) {
      return fail(
        'origin_default_port',
        `names the default port ${n} of ${scheme}, which browsers omit; write '${scheme}://${host}'.`,
      );
    }
  }
  return fail(
    'origin_invalid_host',
    `is not an origin a browser sends: the host '${describeValue(host, 60).slice(1, -1)}' must be a lower-case ASCII domain (punycode for IDNs), a dotted-decimal IPv4 address, or a canonical bracketed IPv6 address. Got ${describeValue(value)}.`,
  );
}

function diagnosePattern(value: string, scheme: string, authority: string): NotAnOrigin {
  const { host, port } = splitAuthority(authority);
  const usage =
    "a pattern is 'https://*.example.com' (any subdomain), 'http://localhost:*' (any port), or both";
  let hostSuffix: string | null = null;
  let exactHost: string | null = null;
  if (host.startsWith('*.')) {
    hostSuffix = host.slice(1);
  } else if (host.includes('*')) {
    return fail('origin_pattern_invalid', `puts '*' inside a host label; ${usage}.`);
  } else {
    exactHost = host;
  }
  const base = hostSuffix === null ? host : hostSuffix.slice(1);
  if (base.includes('*') || (port !== null && port !== '*' && port.includes('*'))) {
    return fail('origin_pattern_invalid', `has '*' in more than one place it can go; ${usage}.`);
  }
  let parsedPort: number | null | '*' = null;
  if (port === '*') parsedPort = '*';
  const probe = parseOrigin(
    `${scheme}://${base}${port !== null && port !== '*' ? `:${port}` : ''}`,
  );
  if (probe === null || probe.kind !== 'tuple') {
    const inner = diagnoseAuthority(
      value,
      scheme,
      `${base}${port !== null && port !== '*' ? `:${port}` : ''}`,
    );
    return inner.kind === 'issue' && inner.issue.code !== 'origin_invalid_host'
      ? inner
      : fail('origin_pattern_invalid', `is not a valid pattern; ${usage}.`);
  }
  if (parsedPort !== '*') parsedPort = probe.port;
  if (hostSuffix !== null) {
    if (probe.hostKind !== 'domain') {
      return fail(
        'origin_pattern_invalid',
        `puts '*.' in front of an IP address; list the addresses instead.`,
      );
    }
    if (!base.includes('.') && base !== 'localhost') {
      return fail(
        'origin_pattern_too_broad',
        `would allow every site under '${base}', which anyone can register; name your own domain, e.g. '${scheme}://*.example.${base}'.`,
      );
    }
  }
  return {
    kind: 'pattern',
    publicSuffix: hostSuffix !== null && base !== 'localhost' ? publicSuffixSection(base) : null,
    pattern: Object.freeze({
      source: value,
      scheme,
      hostSuffix,
      host: exactHost,
      port: parsedPort,
    }),
  };
}

/**
 * The name of the second parameter of a two-parameter function when it reads as a callback
 * (`callback`, `cb`, `done`, `next`, and names starting with them): the `(origin, callback)` idiom of
 * cors and @fastify/cors. The core calls `origin(origin, request)`, so a second parameter named
 * `request` (or anything else) is fine; the name, read from the function's source text, is the only
 * reliable sign before it runs. `null` when it does not read as a callback.
 */
export function callbackParameter(fn: (...args: never[]) => unknown): string | null {
  if (fn.length !== 2) return null;
  const source = Function.prototype.toString.call(fn);
  const open = source.indexOf('(');
  const close = source.indexOf(')', open);
  const second = source
    .slice(open + 1, close)
    .split(',')[1]
    ?.trim()
    .split(/[\s=:]/)[0];
  return second !== undefined && /^(callback|cb|done|next)\w*$/i.test(second) ? second : null;
}

/** The matcher while {@link compileOrigins} fills it in. */
type MatcherDraft = {
  -readonly [K in keyof OriginMatcher]: OriginMatcher[K] extends ReadonlySet<infer T>
    ? Set<T>
    : OriginMatcher[K] extends readonly (infer T)[]
      ? T[]
      : OriginMatcher[K];
};

/** Compiles the `origin` option (anything but `'*'`), pushing every problem onto `issues`. */
export function compileOrigins(option: unknown, issues: CorsConfigIssue[]): OriginMatcher {
  const draft: MatcherDraft = {
    exact: new Set(),
    allowNull: false,
    patterns: [],
    regexps: [],
    functions: [],
    needsParse: false,
    insecureEntries: [],
    publicSuffixEntries: [],
  };
  const entries: readonly unknown[] = Array.isArray(option) ? option : [option];
  const isList = Array.isArray(option);
  if (isList && entries.length === 0) {
    issues.push({
      code: 'origin_empty_list',
      option: 'origin',
      value: option,
      message:
        "is an empty list, which allows no origin; list the origins that may call you, or use '*' for a public API.",
    });
  }
  const scan = newOriginScan();
  entries.forEach((entry, index) => {
    // The common entry, an origin written as a browser sends it, which diagnoseOriginString would
    // find exact: one scan and a Set entry, no allocation, so that a long list compiles quickly.
    // The rest is in compileEntry, which a list of such origins never runs (nor compiles).
    if (typeof entry === 'string' && scanOrigin(entry, scan)) {
      draft.exact.add(entry);
      if (isInsecureScanned(entry, scan)) draft.insecureEntries.push(entry);
    } else compileEntry(draft, entry, isList ? `origin[${index}]` : 'origin', isList, issues);
  });
  draft.needsParse =
    draft.patterns.length > 0 || draft.regexps.length > 0 || draft.functions.length > 0;
  return draft;
}

/** One entry that is not an origin as a browser sends it: a pattern, `'null'`, a RegExp, a function, or a mistake. */
function compileEntry(
  draft: MatcherDraft,
  entry: unknown,
  name: string,
  isList: boolean,
  issues: CorsConfigIssue[],
): void {
  const push = (issue: Issue) => issues.push({ ...issue, option: name, value: entry });
  if (typeof entry === 'string') {
    if (entry === '*') {
      push({
        code: 'origin_wildcard_in_list',
        message:
          "'*' cannot be combined with other origins; use origin: '*' alone for a public API, or list origins.",
      });
      return;
    }
    if (entry === 'null') {
      draft.allowNull = true;
      return;
    }
    const diagnosis = diagnoseNotAnOrigin(entry);
    if (diagnosis.kind === 'issue') push(diagnosis.issue);
    else {
      draft.patterns.push(diagnosis.pattern);
      noteEntry(draft, diagnosis, entry, name, entry);
    }
  } else if (entry instanceof RegExp) {
    const analysis = analyseOriginRegExp(entry);
    if (analysis.kind === 'refused') {
      push(analysis.problem);
      return;
    }
    // Each cover is checked like the string that says the same, so a RegExp is never let
    // through where that string would be refused.
    let valid = true;
    for (const cover of analysis.covers) {
      const diagnosis = diagnoseOriginString(cover);
      if (diagnosis.kind === 'issue') {
        push({
          code: diagnosis.issue.code,
          message: `matches ${cover}, which ${diagnosis.issue.message}`,
        });
        valid = false;
      } else noteEntry(draft, diagnosis, entry, name, cover);
    }
    if (!valid) return;
    if (analysis.exact) {
      for (const cover of analysis.covers) draft.exact.add(cover);
    } else draft.regexps.push(analysis.regexp);
  } else if (typeof entry === 'function') {
    const callback = callbackParameter(entry as OriginFunction);
    if (callback !== null) {
      push({
        code: 'origin_function_callback',
        message: `takes a callback '${callback}' as its second parameter, the cors and @fastify/cors style ((origin, ${callback}) => ${callback}(null, true)); @cors/core calls origin(origin, request) and reads what it returns. Return true or false instead, or a promise of one: origin: (origin) => allowed.has(origin), or async (origin) => (await lookup(origin)) !== null.`,
      });
      return;
    }
    draft.functions.push(entry as OriginFunction);
  } else if (entry === true && !isList) {
    push({
      code: 'origin_reflect_all',
      message:
        "true would reflect every origin, which lets any site read your responses; write '*' for a public API, or list the origins that may call you.",
    });
  } else if (entry === false && !isList) {
    push({
      code: 'origin_disabled',
      message:
        'false would turn CORS off; leave this middleware out instead (to turn it off for one route: `config: { cors: false }` on Fastify, `@Cors(false)` on Nest), or list the origins that may call you.',
    });
  } else {
    push({
      code: 'origin_invalid_type',
      message: `must be '*', an origin string, a pattern, 'null', an anchored RegExp, a function, or an array of these; got ${describeValue(entry)}.`,
    });
  }
}

/** What the credentials check and the Public Suffix List check need to know of an entry. */
function noteEntry(
  draft: MatcherDraft,
  diagnosis: Exclude<Diagnosis, { kind: 'issue' }>,
  entry: string | RegExp,
  option: string,
  cover: string,
): void {
  if (diagnosis.kind === 'exact') {
    if (isInsecure(diagnosis.origin.scheme, diagnosis.origin.host))
      draft.insecureEntries.push(cover);
    return;
  }
  const { pattern, publicSuffix } = diagnosis;
  if (isInsecure(pattern.scheme, pattern.host ?? `x${pattern.hostSuffix}`))
    draft.insecureEntries.push(cover);
  if (publicSuffix !== null) {
    draft.publicSuffixEntries.push({
      option,
      value: entry,
      cover,
      suffix: (pattern.hostSuffix as string).slice(1),
      section: publicSuffix,
    });
  }
}

/**
 * True when the origin `value`, scanned into `scan`, matches a compiled pattern: offsets and
 * `startsWith`/`endsWith` at positions, so matching allocates nothing.
 */
export function matchesPattern(pattern: OriginPattern, value: string, scan: OriginScan): boolean {
  const scheme = pattern.scheme;
  if (scan.schemeEnd !== scheme.length || !value.startsWith(scheme)) return false;
  if (pattern.port !== '*' && scan.port !== pattern.port) return false;
  const hostLength = scan.hostEnd - scan.hostStart;
  if (pattern.hostSuffix === null) {
    const host = pattern.host as string;
    return hostLength === host.length && value.startsWith(host, scan.hostStart);
  }
  const suffix = pattern.hostSuffix;
  return (
    scan.hostKind === 'domain' && hostLength > suffix.length && value.endsWith(suffix, scan.hostEnd)
  );
}
