/**
 * Configured origins: validation with messages that say what to write, and compilation into a
 * matcher whose common case (an exact origin) is one `Set` lookup. Patterns are a closed syntax
 * (`https://*.example.com`, `http://localhost:*`), never regular expressions built from strings.
 */
import { describeValue, type CorsConfigIssue } from './errors.js';
import {
  DEFAULT_PORTS,
  MAX_ORIGIN_LENGTH,
  parseOrigin,
  type OriginScan,
  type TupleOrigin,
} from './origin.js';
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

export interface OriginMatcher {
  readonly exact: ReadonlySet<string>;
  readonly allowNull: boolean;
  readonly patterns: readonly OriginPattern[];
  readonly regexps: readonly RegExp[];
  readonly functions: readonly OriginFunction[];
  /** True when any entry needs more than a `Set` lookup. */
  readonly needsParse: boolean;
  /** True when a function entry may return a promise. */
  readonly isAsync: boolean;
  /** Entries that are plain-http origins on a non-loopback host (for the credentials check). */
  readonly insecureEntries: readonly string[];
}

/**
 * Suffixes under which anyone can register a name (a small, hand-kept part of the Public Suffix
 * List: country second levels and shared hosting). A pattern directly over one of them would allow
 * strangers' sites.
 */
const SHARED_SUFFIXES: ReadonlySet<string> = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'me.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.nz',
  'co.jp',
  'ne.jp',
  'co.kr',
  'co.in',
  'co.za',
  'com.br',
  'com.cn',
  'com.mx',
  'com.ar',
  'com.tr',
  'com.sg',
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'workers.dev',
  'web.app',
  'firebaseapp.com',
  'appspot.com',
  'azurewebsites.net',
  'azurestaticapps.net',
  'cloudfront.net',
  'amazonaws.com',
  's3.amazonaws.com',
  'blogspot.com',
  'glitch.me',
  'onrender.com',
  'fly.dev',
  'ngrok.io',
  'ngrok-free.app',
  'ngrok.app',
  'repl.co',
  'surge.sh',
  'trycloudflare.com',
  'railway.app',
  'deno.dev',
  'codesandbox.io',
  'stackblitz.io',
  'webcontainer.io',
]);

type Issue = Omit<CorsConfigIssue, 'option' | 'value'>;
type Diagnosis =
  | { readonly kind: 'exact'; readonly origin: TupleOrigin }
  | { readonly kind: 'pattern'; readonly pattern: OriginPattern }
  | { readonly kind: 'issue'; readonly issue: Issue };

const fail = (code: Issue['code'], message: string): Diagnosis => ({
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

  const parsed = parseOrigin(value);
  if (parsed !== null && parsed.kind === 'tuple') return { kind: 'exact', origin: parsed };
  return diagnoseAuthority(value, scheme, authority);
}

function splitAuthority(authority: string): { host: string; port: string | null } {
  const bracketEnd = authority.startsWith('[') ? authority.indexOf(']') : -1;
  const colon = authority.indexOf(':', bracketEnd + 1);
  return colon < 0
    ? { host: authority, port: null }
    : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

function diagnoseAuthority(value: string, scheme: string, authority: string): Diagnosis {
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

function diagnosePattern(value: string, scheme: string, authority: string): Diagnosis {
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
    const labels = base.split('.').length;
    if ((labels < 2 && base !== 'localhost') || SHARED_SUFFIXES.has(base)) {
      return fail(
        'origin_pattern_too_broad',
        `would allow every site under '${base}', which anyone can register; name your own domain, e.g. '${scheme}://*.example.${base}'.`,
      );
    }
  }
  return {
    kind: 'pattern',
    pattern: Object.freeze({
      source: value,
      scheme,
      hostSuffix,
      host: exactHost,
      port: parsedPort,
    }),
  };
}

/** The fix to suggest: a whole anchored origin (scheme included, or it could never match), or a pattern. */
function anchoredSuggestion(source: string): string {
  let body = source.replace(/^\^/, '').replace(/\$$/, '');
  // /\.example\.com$/ means "any subdomain": that is what a pattern string says, safely.
  if (/^(\\\.[a-z0-9-]+)+$/.test(body))
    return `the pattern 'https://*${body.replace(/\\\./g, '.')}'`;
  if (!/^[a-z([]/.test(body) || !body.includes(':'))
    body = `https:\\/\\/${body.replace(/^(\\\/)+/, '')}`;
  return `/^${body}$/`;
}

/** Problems of a RegExp entry; `null` when it is safe to use. */
export function diagnoseRegExp(regexp: RegExp): Issue | null {
  const source = regexp.source;
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) {
    return {
      code: 'origin_regexp_unanchored',
      message: `must be anchored with ^ and $, or it matches origins that merely contain the text (e.g. https://example.com.evil.com); write ${anchoredSuggestion(source)}.`,
    };
  }
  const scan = scanRegExp(source);
  if (scan.topLevelAlternation) {
    return {
      code: 'origin_regexp_unanchored',
      message: `has a top-level '|', so ^ and $ anchor only the first and last alternatives; group them: /^(?:${source
        .slice(1, -1)
        .replace(/\$\|\^?|\|\^/g, '|')})$/.`,
    };
  }
  if (scan.unescapedDot) {
    return {
      code: 'origin_regexp_unescaped_dot',
      message: `has an unescaped '.', which matches any character (https://appxexample.com would match https://app.example.com); write '\\.' for a literal dot.`,
    };
  }
  if (scan.nestedQuantifier) {
    return {
      code: 'origin_regexp_backtracking',
      message: `has a quantified group that contains a quantifier or an alternation, which can backtrack catastrophically; use a pattern string such as 'https://*.example.com' or a simpler RegExp.`,
    };
  }
  return null;
}

/**
 * One pass over a RegExp source, atom by atom. A group that can match the same text in more than
 * one way (it ends with a quantified atom, or has an alternation) and is itself repeated without
 * bound is the shape of catastrophic backtracking, e.g. `(a+)+` or `(a|aa)*`; `([a-z]+\.)*` ends
 * with a literal and is safe.
 */
function scanRegExp(source: string): {
  topLevelAlternation: boolean;
  unescapedDot: boolean;
  nestedQuantifier: boolean;
} {
  let topLevelAlternation = false;
  let unescapedDot = false;
  let nestedQuantifier = false;
  const groups: { alternation: boolean; endsQuantified: boolean }[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    let atomEnd = i;
    let closed: { alternation: boolean; endsQuantified: boolean } | undefined;
    let dot = false;
    if (ch === '\\') {
      atomEnd = i + 1;
    } else if (ch === '[') {
      let j = i + 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      atomEnd = j;
    } else if (ch === '(') {
      groups.push({ alternation: false, endsQuantified: false });
      continue;
    } else if (ch === ')') {
      closed = groups.pop();
    } else if (ch === '|') {
      const top = groups[groups.length - 1];
      if (top === undefined) topLevelAlternation = true;
      else top.alternation = true;
      continue;
    } else if (ch === '*' || ch === '+' || ch === '?' || ch === '^' || ch === '$') {
      continue;
    } else if (ch === '{' && /^\{\d*,?\d*\}/.test(source.slice(i))) {
      i = source.indexOf('}', i);
      continue;
    } else if (ch === '.') {
      dot = true;
    }
    const next = source[atomEnd + 1];
    const quantified = next === '*' || next === '+' || next === '?' || next === '{';
    const unbounded =
      next === '*' || next === '+' || (next === '{' && /^\{\d*,\}/.test(source.slice(atomEnd + 1)));
    if (dot && !quantified) unescapedDot = true;
    if (closed !== undefined && (closed.alternation || closed.endsQuantified) && unbounded) {
      nestedQuantifier = true;
    }
    const top = groups[groups.length - 1];
    if (top !== undefined) top.endsQuantified = quantified || (closed?.endsQuantified ?? false);
    i = atomEnd;
  }
  return { topLevelAlternation, unescapedDot, nestedQuantifier };
}

/** Compiles the `origin` option (anything but `'*'`), pushing every problem onto `issues`. */
export function compileOrigins(option: unknown, issues: CorsConfigIssue[]): OriginMatcher {
  const exact = new Set<string>();
  const patterns: OriginPattern[] = [];
  const regexps: RegExp[] = [];
  const functions: OriginFunction[] = [];
  const insecureEntries: string[] = [];
  let allowNull = false;
  let isAsync = false;
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
  entries.forEach((entry, index) => {
    const name = isList ? `origin[${index}]` : 'origin';
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
        allowNull = true;
        return;
      }
      const diagnosis = diagnoseOriginString(entry);
      if (diagnosis.kind === 'issue') push(diagnosis.issue);
      else if (diagnosis.kind === 'exact') {
        exact.add(diagnosis.origin.serialized);
        if (isInsecure(diagnosis.origin.scheme, diagnosis.origin.host)) insecureEntries.push(entry);
      } else {
        patterns.push(diagnosis.pattern);
        const host = diagnosis.pattern.host ?? `x${diagnosis.pattern.hostSuffix}`;
        if (isInsecure(diagnosis.pattern.scheme, host)) insecureEntries.push(entry);
      }
    } else if (entry instanceof RegExp) {
      const issue = diagnoseRegExp(entry);
      if (issue !== null) push(issue);
      // g and y make test() stateful through lastIndex; drop them.
      else
        regexps.push(
          /[gy]/.test(entry.flags)
            ? new RegExp(entry.source, entry.flags.replace(/[gy]/g, ''))
            : entry,
        );
    } else if (typeof entry === 'function') {
      functions.push(entry as OriginFunction);
      // Any function may return a promise; only an AsyncFunction is known to before it runs.
      if (entry.constructor?.name === 'AsyncFunction') isAsync = true;
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
  });
  return {
    exact,
    allowNull,
    patterns,
    regexps,
    functions,
    needsParse: patterns.length > 0 || regexps.length > 0 || functions.length > 0,
    isAsync,
    insecureEntries,
  };
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
