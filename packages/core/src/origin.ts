/**
 * A strict parser for the `Origin` request header (Fetch Standard §3.2.5 "`Origin` header";
 * HTML "serialization of an origin"). It accepts exactly what a browser serializes:
 *
 *     origin = scheme "://" host [ ":" port ] / "null"
 *
 * with a lower-case scheme, a lower-case host (an ASCII/punycode domain, a canonical dotted-decimal
 * IPv4 address, or a bracketed IPv6 address in the URL Standard's canonical form) and a port that is
 * not the scheme's default. It never uses `URL` (which would normalise hostile input into something
 * that looks allowed), never throws, and runs in time linear in the input, capped at
 * {@link MAX_ORIGIN_LENGTH}.
 */

/**
 * Longest `Origin` value accepted: a 253-character DNS name plus scheme and port fit with room to
 * spare. Longer values are refused before any other work.
 */
export const MAX_ORIGIN_LENGTH = 1024;

/** Where a host came from in the URL Standard's host parser. */
export type HostKind = 'domain' | 'ipv4' | 'ipv6';

/** A parsed tuple origin. */
export interface TupleOrigin {
  readonly kind: 'tuple';
  /** Lower-case scheme without `://`, e.g. `https`. */
  readonly scheme: string;
  /** Lower-case host; IPv6 addresses keep their brackets, e.g. `[::1]`. */
  readonly host: string;
  readonly hostKind: HostKind;
  /** The explicit port, or `null` when the origin uses the scheme's default. */
  readonly port: number | null;
  /** The origin exactly as it was sent (and as it must be echoed). */
  readonly serialized: string;
}

/** The opaque origin, sent as `null` by sandboxed iframes, `file:` pages, redirects and more. */
export interface NullOrigin {
  readonly kind: 'null';
  readonly serialized: 'null';
}

export type ParsedOrigin = TupleOrigin | NullOrigin;

const NULL_ORIGIN: NullOrigin = Object.freeze({ kind: 'null', serialized: 'null' });

/** Ports the URL Standard omits from serialization ("special scheme" default ports). */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = Object.freeze({
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  ftp: 21,
});

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * Where the parts of a valid origin are, found without allocating: the hot path matches patterns
 * on these offsets, and only the public {@link parseOrigin} builds an object.
 */
export interface OriginScan {
  /** Index of `://`, which is also the scheme's length. */
  schemeEnd: number;
  hostStart: number;
  hostEnd: number;
  hostKind: HostKind;
  /** The explicit port, or `null` for the scheme's default. */
  port: number | null;
}

/** A fresh scratch {@link OriginScan}, filled in by {@link scanOrigin}. */
export function newOriginScan(): OriginScan {
  return { schemeEnd: 0, hostStart: 0, hostEnd: 0, hostKind: 'domain', port: null };
}

/**
 * Parses an `Origin` header value. Returns `null` for anything a browser would never send: a path
 * or trailing slash, userinfo, a query or fragment, white space, upper case, a default port, a port
 * over 65535, a comma-separated list, a non-canonical IP address, or a value over
 * {@link MAX_ORIGIN_LENGTH} characters.
 */
export function parseOrigin(value: string): ParsedOrigin | null {
  if (typeof value !== 'string') return null;
  if (value === 'null') return NULL_ORIGIN;
  const scan = newOriginScan();
  if (!scanOrigin(value, scan)) return null;
  return {
    kind: 'tuple',
    scheme: value.slice(0, scan.schemeEnd),
    host: value.slice(scan.hostStart, scan.hostEnd),
    hostKind: scan.hostKind,
    port: scan.port,
    serialized: value,
  };
}

/**
 * Checks that `value` is a tuple origin as a browser serializes it and records where its parts are
 * in `scan`. Returns false for `null` (the opaque origin) and anything malformed.
 */
export function scanOrigin(value: string, scan: OriginScan): boolean {
  const length = value.length;
  if (length === 0 || length > MAX_ORIGIN_LENGTH) return false;

  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower case as browsers serialize it.
  if (!isLowerAlpha(value.charCodeAt(0))) return false;
  let i: number;
  for (i = 1; i < length; i++) {
    const code = value.charCodeAt(i);
    if (isLowerAlpha(code) || isDigit(code) || code === 0x2b || code === 0x2d || code === 0x2e)
      continue;
    break;
  }
  // "://"
  if (
    i + 3 > length ||
    value.charCodeAt(i) !== 0x3a ||
    value.charCodeAt(i + 1) !== 0x2f ||
    value.charCodeAt(i + 2) !== 0x2f
  ) {
    return false;
  }
  const schemeEnd = i;
  const hostStart = i + 3;
  if (hostStart >= length) return false;

  let hostEnd: number;
  let hostKind: HostKind;
  if (value.charCodeAt(hostStart) === 0x5b /* [ */) {
    const close = value.indexOf(']', hostStart);
    if (close < 0) return false;
    if (!isCanonicalIpv6(value, hostStart + 1, close)) return false;
    hostEnd = close + 1;
    hostKind = 'ipv6';
  } else {
    hostEnd = hostStart;
    while (hostEnd < length && value.charCodeAt(hostEnd) !== 0x3a) hostEnd++;
    const kind = checkDomainOrIpv4(value, hostStart, hostEnd);
    if (kind === null) return false;
    hostKind = kind;
  }

  let port: number | null = null;
  if (hostEnd < length) {
    if (value.charCodeAt(hostEnd) !== 0x3a) return false;
    const portStart = hostEnd + 1;
    const digits = length - portStart;
    if (digits < 1 || digits > 5) return false;
    // No leading zeros: browsers serialize the port as an integer.
    if (digits > 1 && value.charCodeAt(portStart) === 0x30) return false;
    let n = 0;
    for (let j = portStart; j < length; j++) {
      const code = value.charCodeAt(j);
      if (!isDigit(code)) return false;
      n = n * 10 + (code - 0x30);
    }
    if (n > 65535) return false;
    if (defaultPortOf(value, schemeEnd) === n) return false;
    port = n;
  }

  scan.schemeEnd = schemeEnd;
  scan.hostStart = hostStart;
  scan.hostEnd = hostEnd;
  scan.hostKind = hostKind;
  scan.port = port;
  return true;
}

/** The default port of the scheme `value[0, schemeEnd)`, read without slicing it out. */
function defaultPortOf(value: string, schemeEnd: number): number | undefined {
  for (const scheme in DEFAULT_PORTS) {
    if (scheme.length === schemeEnd && value.startsWith(scheme)) return DEFAULT_PORTS[scheme];
  }
  return undefined;
}

function isLowerAlpha(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHostChar(code: number): boolean {
  // Lower-case letters, digits, hyphen and underscore; browsers send IDNs as punycode (xn--).
  return isLowerAlpha(code) || isDigit(code) || code === 0x2d || code === 0x5f;
}

/**
 * Checks `value[start, end)` as a domain or an IPv4 address. The URL Standard parses a host whose
 * last label is numeric as IPv4 and serializes it as four decimal octets, so any other numeric form
 * (`0x7f.1`, `127.1`, `010.0.0.1`) never comes from a browser.
 */
function checkDomainOrIpv4(value: string, start: number, end: number): HostKind | null {
  const length = end - start;
  if (length === 0 || length > MAX_DOMAIN_LENGTH) return null;
  let labelStart = start;
  let lastLabelNumeric = true;
  for (let i = start; i <= end; i++) {
    const code = i < end ? value.charCodeAt(i) : 0x2e;
    if (code === 0x2e) {
      const labelLength = i - labelStart;
      if (labelLength === 0 || labelLength > MAX_LABEL_LENGTH) return null; // empty label or trailing dot
      // An IDN label (xn--) must be valid punycode (URL Standard "domain to ASCII"); the hyphens
      // are compared first, so other labels cost one comparison.
      if (
        labelLength >= 4 &&
        value.charCodeAt(labelStart + 2) === 0x2d &&
        value.charCodeAt(labelStart + 3) === 0x2d &&
        value.charCodeAt(labelStart) === 0x78 &&
        value.charCodeAt(labelStart + 1) === 0x6e &&
        !isPunycode(value, labelStart + 4, i)
      ) {
        return null;
      }
      labelStart = i + 1;
      if (i < end) lastLabelNumeric = true;
      continue;
    }
    if (!isHostChar(code)) return null;
    if (!isDigit(code)) lastLabelNumeric = false;
  }
  // "ends in a number" also covers hex labels such as 0x7f.
  const lastDot = value.lastIndexOf('.', end - 1);
  const lastLabelStart = lastDot >= start ? lastDot + 1 : start;
  const endsInHex =
    end - lastLabelStart >= 2 &&
    value.charCodeAt(lastLabelStart) === 0x30 &&
    value.charCodeAt(lastLabelStart + 1) === 0x78;
  if (!lastLabelNumeric && !endsInHex) return 'domain';
  return isCanonicalIpv4(value, start, end) ? 'ipv4' : null;
}

/**
 * True when `value[start, end)` (a label without its `xn--`) decodes as punycode (RFC 3492 §6.2)
 * to at least one non-ASCII code point, as an IDN label must; `xn--` alone, `xn--abc-` (ASCII
 * only), digits that overflow, and code points past U+10FFFF or in the surrogate range are not.
 * Labels are at most 63 characters, so the work is bounded.
 */
export function isPunycode(value: string, start: number, end: number): boolean {
  const BASE = 36;
  const T_MIN = 1;
  const T_MAX = 26;
  const delimiter = value.lastIndexOf('-', end - 1);
  // Basic code points are the ones before the last '-'; a leading '-' delimits nothing.
  let at = delimiter > start ? delimiter + 1 : start;
  let basic = delimiter > start ? delimiter - start : 0;
  if (at >= end) return false;
  let n = 0x80;
  let i = 0;
  let bias = 72;
  while (at < end) {
    const oldI = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= end) return false;
      const code = value.charCodeAt(at++);
      const digit =
        code >= 0x61 && code <= 0x7a ? code - 0x61 : code >= 0x30 && code <= 0x39 ? code - 22 : -1;
      if (digit < 0) return false;
      i += digit * w;
      if (i > 0x7fffffff) return false;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
    }
    basic++;
    // Bias adaptation (RFC 3492 §6.1).
    let delta = oldI === 0 ? Math.floor((i - oldI) / 700) : (i - oldI) >> 1;
    delta += Math.floor(delta / basic);
    let k = 0;
    while (delta > ((BASE - T_MIN) * T_MAX) >> 1) {
      delta = Math.floor(delta / (BASE - T_MIN));
      k += BASE;
    }
    bias = k + Math.floor(((BASE - T_MIN + 1) * delta) / (delta + 38));
    n += Math.floor(i / basic);
    i %= basic;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return false;
    i++;
  }
  return true;
}

function isCanonicalIpv4(value: string, start: number, end: number): boolean {
  let parts = 0;
  let i = start;
  while (i <= end) {
    const partStart = i;
    let n = 0;
    while (i < end && isDigit(value.charCodeAt(i))) {
      n = n * 10 + (value.charCodeAt(i) - 0x30);
      i++;
    }
    const digits = i - partStart;
    if (digits === 0 || digits > 3 || n > 255) return false;
    if (digits > 1 && value.charCodeAt(partStart) === 0x30) return false;
    parts++;
    if (i === end) break;
    if (value.charCodeAt(i) !== 0x2e) return false;
    i++;
  }
  return parts === 4;
}

/**
 * Checks `value[start, end)` (inside the brackets) as an IPv6 address in the URL Standard's
 * canonical serialization: lower-case hex without leading zeros, the first longest run of two or
 * more zero pieces compressed to `::`, and no embedded IPv4 (serialized as hex by the standard).
 */
function isCanonicalIpv6(value: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 2 || length > 39) return false;
  const pieces: number[] = [];
  let compressAt = -1;
  let i = start;
  if (value.charCodeAt(i) === 0x3a) {
    if (value.charCodeAt(i + 1) !== 0x3a) return false;
    compressAt = 0;
    i += 2;
  }
  while (i < end) {
    let n = 0;
    const pieceStart = i;
    while (i < end && i - pieceStart < 5) {
      const code = value.charCodeAt(i);
      const digit = isDigit(code) ? code - 0x30 : code >= 0x61 && code <= 0x66 ? code - 0x57 : -1;
      if (digit < 0) break;
      n = n * 16 + digit;
      i++;
    }
    const digits = i - pieceStart;
    if (digits === 0 || digits > 4) return false;
    pieces.push(n);
    if (pieces.length > 8) return false;
    if (i === end) break;
    if (value.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < end && value.charCodeAt(i) === 0x3a) {
      if (compressAt >= 0) return false;
      compressAt = pieces.length;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  let address: number[];
  if (compressAt >= 0) {
    const missing = 8 - pieces.length;
    if (missing < 1) return false;
    address = [
      ...pieces.slice(0, compressAt),
      ...new Array<number>(missing).fill(0),
      ...pieces.slice(compressAt),
    ];
  } else {
    if (pieces.length !== 8) return false;
    address = pieces;
  }
  return serializeIpv6(address) === value.slice(start, end);
}

/** The URL Standard's IPv6 serializer (§3.5 "host serializing"). */
function serializeIpv6(address: readonly number[]): string {
  // Find the first longest run of zero pieces of length > 1.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (address[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && address[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let out = '';
  let ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && address[i] === 0) continue;
    ignore0 = false;
    if (i === bestStart) {
      out += i === 0 ? '::' : ':';
      ignore0 = true;
      continue;
    }
    out += (address[i] as number).toString(16);
    if (i !== 7) out += ':';
  }
  return out;
}
