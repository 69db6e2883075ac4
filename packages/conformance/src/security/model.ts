/**
 * A small, independent reference model of the CORS decision, written from the Fetch Standard
 * (§3.2 "CORS protocol", §4.8 "CORS-preflight fetch"), the URL Standard's origin serialization and
 * the documented choices of @cors/core (docs/origins.md, docs/reasons.md). It shares no code with
 * the core: it is written the slow, obvious way (regular expressions, `split`, `Set`s built per
 * call) so that the property tests compare two implementations, not one with itself.
 */
import punycode from 'node:punycode';
import type { CorsRequest } from '@cors/core';

/** The options the model understands: the core's, with string origin entries only. */
export interface ModelOptions {
  origin: '*' | string | readonly string[];
  credentials?: boolean;
  methods?: string | readonly string[];
  allowedHeaders?: string | readonly string[];
  exposedHeaders?: string | readonly string[];
  maxAge?: number;
  preflightContinue?: boolean;
  optionsSuccessStatus?: number;
  allowPrivateNetwork?: boolean;
  dangerouslyAllowInsecureOrigins?: boolean;
}

export interface ModelDecision {
  kind: 'not-cors' | 'actual' | 'preflight';
  allowed: boolean;
  reason: string;
  headers: Record<string, string>;
  vary: string;
  end: boolean;
  status?: number;
}

export interface ModelOrigin {
  scheme: string;
  host: string;
  hostKind: 'domain' | 'ipv4' | 'ipv6';
  /** `null` when the origin uses its scheme's default port (which is then not written). */
  port: number | null;
}

function isIdnLabel(label: string): boolean {
  try {
    const decoded = punycode.decode(label);
    return (
      [...decoded].some((char) => char.charCodeAt(0) > 0x7f) &&
      !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(decoded) &&
      punycode.encode(decoded) === label
    );
  } catch {
    return false;
  }
}

const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

/**
 * What a browser serializes as an origin (HTML "serialization of an origin"): `null`, or
 * `scheme "://" host [":" port]`, all lower case, the port only when not the scheme's default. The
 * core documents a strict host alphabet (letters, digits, `-`, `_`; IDNs in punycode) and a
 * 1024-character cap. IPv6 canonical form is delegated to the WHATWG URL parser, which is
 * independent of the core.
 */
export function modelParseOrigin(value: string): ModelOrigin | 'null' | null {
  if (value === 'null') return 'null';
  if (value.length === 0 || value.length > 1024) return null;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:]+\]|[a-z0-9._-]+)(?::([0-9]+))?$/.exec(value);
  if (m === null) return null;
  const scheme = m[1] as string;
  const host = m[2] as string;
  // IDN labels are punycode that decodes to something non-ASCII (RFC 3492, by Node's decoder).
  if (host.split('.').some((label) => label.startsWith('xn--') && !isIdnLabel(label.slice(4))))
    return null;
  const portText = m[3];
  let port: number | null = null;
  if (portText !== undefined) {
    const n = Number(portText);
    if (String(n) !== portText || n > 65535) return null; // leading zeros, too large
    if (DEFAULT_PORT[scheme] === n) return null; // browsers omit the default port
    port = n;
  }
  if (host.startsWith('[')) {
    let canonical: string;
    try {
      canonical = new URL(`http://${host}`).hostname;
    } catch {
      return null;
    }
    return canonical === host ? { scheme, host, hostKind: 'ipv6', port } : null;
  }
  if (host.length > 253) return null;
  const labels = host.split('.');
  if (labels.some((label) => label.length === 0 || label.length > 63)) return null;
  const last = labels[labels.length - 1] as string;
  // The URL Standard reads a host whose last label is a number (decimal, or 0x-prefixed) as IPv4
  // and serializes it as four decimal octets; any other spelling never comes from a browser.
  if (/^[0-9]+$/.test(last) || last.startsWith('0x')) {
    const octets = labels.length === 4 && labels.every((l) => /^(0|[1-9][0-9]{0,2})$/.test(l));
    if (!octets || labels.some((l) => Number(l) > 255)) return null;
    return { scheme, host, hostKind: 'ipv4', port };
  }
  return { scheme, host, hostKind: 'domain', port };
}

/** A configured entry: an exact origin, or a pattern (`scheme://*.domain[:port]`, `scheme://host:*`). */
function entryMatches(entry: string, value: string, origin: ModelOrigin): boolean {
  if (!entry.includes('*')) return entry === value;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?(\[[0-9a-f:]+\]|[^:]+)(?::(\*|[0-9]+))?$/.exec(entry);
  if (m === null) return false;
  const scheme = m[1] as string;
  const star = m[2];
  const host = m[3] as string;
  const port = m[4];
  if (origin.scheme !== scheme) return false;
  if (port !== '*') {
    const wanted = port === undefined ? null : Number(port);
    const normalized = wanted === DEFAULT_PORT[scheme] ? null : wanted;
    if (origin.port !== normalized) return false;
  }
  if (star === undefined) return origin.host === host;
  // `*.` stands for one or more labels, never for the domain itself, and only for domain names.
  return origin.hostKind === 'domain' && origin.host.endsWith(`.${host}`);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'];
const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

function asList(value: string | readonly string[]): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
    : [...value];
}

/** Header names are case-insensitive: lower-cased, first occurrence kept; `*` stays `*`. */
function headerList(value: string | readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const name of asList(value ?? [])) {
    const lower = name.toLowerCase();
    if (!out.includes(lower)) out.push(lower);
  }
  return out;
}

/** Reads the request headers list the way §4.8 needs it, with the core's documented caps. */
function readRequestHeaders(
  value: string,
): { names: string[] } | { problem: 'headers-malformed' | 'headers-too-large' } {
  if (value.length > 4096) return { problem: 'headers-too-large' };
  const names: string[] = [];
  const parts = value.split(',');
  for (let i = 0; i < parts.length; i++) {
    const name = (parts[i] as string).replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    if (!TOKEN.test(name)) return { problem: 'headers-malformed' };
    if (i === 64) return { problem: 'headers-too-large' };
    names.push(name.toLowerCase());
  }
  return { names };
}

/** The decision the core must make for `request` under `options`. */
export function modelDecide(options: ModelOptions, request: CorsRequest): ModelDecision {
  const wildcard = options.origin === '*';
  const entries = wildcard ? [] : asList(options.origin as string | readonly string[]);
  const credentials = options.credentials === true;
  const privateNetwork = options.allowPrivateNetwork === true;
  const okStatus = options.optionsSuccessStatus ?? 204;
  const exposed = headerList(options.exposedHeaders);

  // §3.2.3: a response that depends on Origin varies on it; preflight answers also depend on the
  // preflight request headers.
  const preflightVary = [
    ...(wildcard ? [] : ['Origin']),
    'Access-Control-Request-Method',
    'Access-Control-Request-Headers',
    ...(privateNetwork ? ['Access-Control-Request-Private-Network'] : []),
  ].join(', ');
  const actualVary = wildcard ? '' : 'Origin';
  const isOptions = request.method === 'OPTIONS';
  const origin = request.origin;

  const publicHeaders = (): Record<string, string> => ({
    'access-control-allow-origin': '*',
    ...(exposed.length > 0 ? { 'access-control-expose-headers': exposed.join(',') } : {}),
  });

  if (origin === undefined || origin === null) {
    return {
      kind: 'not-cors',
      allowed: true,
      reason: 'no-origin',
      headers: wildcard && !isOptions ? publicHeaders() : {},
      vary: isOptions ? preflightVary : actualVary,
      end: false,
    };
  }
  const isPreflight =
    isOptions && request.requestMethod !== undefined && request.requestMethod !== null;

  const preflight = (allowOrigin: string, withCredentials: boolean): ModelDecision => {
    const base: Record<string, string> = { 'access-control-allow-origin': allowOrigin };
    if (withCredentials) base['access-control-allow-credentials'] = 'true';
    const deny = (reason: string, headers: Record<string, string>): ModelDecision => ({
      kind: 'preflight',
      allowed: false,
      reason,
      headers,
      vary: preflightVary,
      end: true,
      status: okStatus,
    });
    const raw = request.requestMethod as string;
    // Fetch §2.2.1 "normalize a method": the six standard ones in any case become upper case.
    const method = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(raw.toUpperCase())
      ? raw.toUpperCase()
      : raw;
    if (method.length > 64 || !TOKEN.test(method)) return deny('method-malformed', base);
    const methods = options.methods === undefined ? DEFAULT_METHODS : asList(options.methods);
    if (
      !methods.includes('*') &&
      !SAFELISTED_METHODS.includes(method) &&
      !methods.includes(method)
    ) {
      return deny('method-not-allowed', base);
    }
    const withMethod = { ...base, 'access-control-allow-methods': method };
    let allowHeaders: string | null = null;
    const requested = request.requestHeaders;
    if (requested !== undefined && requested !== null && requested !== '') {
      const read = readRequestHeaders(requested);
      if ('problem' in read) return deny(read.problem, withMethod);
      if (options.allowedHeaders === undefined) {
        allowHeaders = read.names.join(',');
      } else {
        const allowed = headerList(options.allowedHeaders);
        for (const name of read.names) {
          const covered =
            allowed.includes(name) || (allowed.includes('*') && name !== 'authorization');
          if (!covered) return deny('header-not-allowed', withMethod);
        }
        allowHeaders = allowed.join(',');
      }
    }
    const headers: Record<string, string> = { ...withMethod };
    if (allowHeaders !== null) headers['access-control-allow-headers'] = allowHeaders;
    if (options.maxAge !== undefined) headers['access-control-max-age'] = String(options.maxAge);
    if (privateNetwork && request.requestPrivateNetwork === 'true') {
      headers['access-control-allow-private-network'] = 'true';
    }
    const end = options.preflightContinue !== true;
    // Private Network Access is legacy: without the grant the answer is unchanged, and the reason
    // names the option (docs/reasons.md).
    const pnaRefused = !privateNetwork && request.requestPrivateNetwork === 'true';
    return {
      kind: 'preflight',
      allowed: true,
      reason: pnaRefused ? 'private-network-not-allowed' : 'allowed',
      headers,
      vary: preflightVary,
      end,
      ...(end ? { status: okStatus } : {}),
    };
  };

  if (wildcard) {
    if (isPreflight) return preflight('*', false);
    return {
      kind: 'actual',
      allowed: true,
      reason: 'allowed',
      headers: publicHeaders(),
      vary: isOptions ? preflightVary : actualVary,
      end: false,
    };
  }

  const parsed = modelParseOrigin(origin);
  let verdict: 'allowed' | 'origin-not-allowed' | 'origin-malformed';
  if (parsed === null) verdict = 'origin-malformed';
  else if (parsed === 'null') verdict = entries.includes('null') ? 'allowed' : 'origin-not-allowed';
  else
    verdict = entries.some((entry) => entry !== 'null' && entryMatches(entry, origin, parsed))
      ? 'allowed'
      : 'origin-not-allowed';

  if (verdict !== 'allowed') {
    return isPreflight
      ? {
          kind: 'preflight',
          allowed: false,
          reason: verdict,
          headers: {},
          vary: preflightVary,
          end: true,
          status: 403,
        }
      : {
          kind: 'actual',
          allowed: false,
          reason: verdict,
          headers: {},
          vary: isOptions ? preflightVary : actualVary,
          end: false,
        };
  }
  if (isPreflight) return preflight(origin, credentials);
  const headers: Record<string, string> = { 'access-control-allow-origin': origin };
  if (credentials) headers['access-control-allow-credentials'] = 'true';
  if (exposed.length > 0) headers['access-control-expose-headers'] = exposed.join(',');
  return {
    kind: 'actual',
    allowed: true,
    reason: 'allowed',
    headers,
    vary: isOptions ? preflightVary : actualVary,
    end: false,
  };
}
