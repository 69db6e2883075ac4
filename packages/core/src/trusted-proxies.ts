/**
 * Trusted proxies: which peers may tell us the request's host in `X-Forwarded-Host`. Entries are IP
 * addresses and CIDR ranges (`'10.0.0.0/8'`, `'127.0.0.1'`, `'fd00::/8'`), parsed at start-up; the
 * per-request check parses the socket's peer address and compares prefix bits. Pure code: no
 * `node:net`, no `URL`.
 */

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
type AddressBytes = readonly number[];

/** A compiled `address/prefix` range. */
export interface ProxyRange {
  readonly source: string;
  readonly bytes: AddressBytes;
  readonly prefix: number;
}

/**
 * Parses a dotted-decimal IPv4 address with four decimal parts, no leading zeros (`010` is octal to
 * some parsers and decimal to others), each at most 255. Returns its bytes, or `null`.
 */
function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

/**
 * Parses an IPv6 address (RFC 4291 §2.2 text forms: hex pieces, one `::`, an embedded IPv4 tail),
 * case-insensitively. Returns its 16 bytes, or `null`. Zone ids (`fe80::1%eth0`) are refused: a
 * link-local peer is named by its range, not by an interface.
 */
function parseIpv6(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const pieces = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = pieces(halves[0] as string);
  const tail = halves.length === 2 ? pieces(halves[1] as string) : [];
  const words: number[] = [];
  const readPieces = (list: string[], isLast: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const piece = list[i] as string;
      if (isLast && i === list.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === null) return false;
        words.push(((v4[0] as number) << 8) | (v4[1] as number));
        words.push(((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-f]{1,4}$/i.test(piece)) return false;
      words.push(parseInt(piece, 16));
    }
    return true;
  };
  if (!readPieces(head, halves.length === 1)) return null;
  const headWords = words.length;
  if (!readPieces(tail, true)) return null;
  const tailWords = words.splice(headWords);
  if (halves.length === 1) {
    if (words.length !== 8) return null;
  } else {
    const missing = 8 - words.length - tailWords.length;
    if (missing < 1) return null;
    for (let i = 0; i < missing; i++) words.push(0);
  }
  words.push(...tailWords);
  const bytes: number[] = [];
  for (const word of words) bytes.push(word >> 8, word & 0xff);
  return bytes;
}

/**
 * The bytes of a peer address as a socket reports it. An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, what a dual-stack Node server reports for IPv4 peers) is read as the IPv4
 * address it maps, so `'10.0.0.0/8'` covers it.
 */
export function parseAddress(text: string): AddressBytes | null {
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    if (bytes === null) return null;
    const mapped =
      bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
    return mapped ? bytes.slice(12) : bytes;
  }
  return parseIpv4(text);
}

/**
 * Compiles one `trustedProxies` entry. Returns the range, or a message saying what to write.
 */
export function compileProxyRange(entry: unknown): ProxyRange | string {
  if (typeof entry !== 'string') {
    return "must be an IP address or a CIDR range such as '10.0.0.0/8' or 'fd00::/8'.";
  }
  const slash = entry.indexOf('/');
  const addressText = slash < 0 ? entry : entry.slice(0, slash);
  if (addressText.startsWith('[')) {
    return `is bracketed; write the IPv6 address without brackets, e.g. '${addressText.replace(/^\[|\]$/g, '')}${slash < 0 ? '' : entry.slice(slash)}'.`;
  }
  // The range is taken as written: an IPv4-mapped IPv6 range would silently stop matching IPv4
  // peers, which `parseAddress` reports as IPv4.
  const bytes = addressText.includes(':') ? parseIpv6(addressText) : parseIpv4(addressText);
  if (bytes === null) {
    return "is not an IP address; write an IPv4 address such as '10.0.0.1' (four decimal parts, no leading zeros) or an IPv6 address such as 'fd00::1', optionally with a prefix length: '10.0.0.0/8'.";
  }
  const bits = bytes.length * 8;
  let prefix = bits;
  if (slash >= 0) {
    const text = entry.slice(slash + 1);
    prefix = /^(0|[1-9]\d{0,2})$/.test(text) ? Number(text) : NaN;
    if (!(prefix <= bits)) {
      return `has the prefix length '${text}'; a prefix length is a whole number from 0 to ${bits} for an IPv${bits === 32 ? 4 : 6} address.`;
    }
    if (prefix === 0) {
      return 'trusts every address, so any client could set X-Forwarded-Host; list the addresses of your proxies.';
    }
  }
  return Object.freeze({ source: entry, bytes: Object.freeze(bytes), prefix });
}

/** True when `address` (bytes of {@link parseAddress}) lies in `range`. */
export function inRange(range: ProxyRange, address: AddressBytes): boolean {
  if (address.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[whole] as number) & mask) === ((range.bytes[whole] as number) & mask);
}
