/**
 * Hostile `Origin` values: the misconfigurations that CORS middleware has shipped (reflection,
 * unanchored or unescaped patterns, `null`, scheme downgrade, lax parsing) turned into requests.
 * Each probe is named by the attack it stands for, and carries the bytes that must never come back.
 */

/** The policy the probes attack: an allowlist with a subdomain pattern, and credentials. */
export const PROBED_POLICY = {
  origin: ['https://app.example.com', 'https://*.example.com'],
  credentials: true,
} as const;

/** Loopback origins by address; with credentials, loopback `http` needs no flag. */
export const LOOPBACK_POLICY = {
  origin: ['http://127.0.0.1:8080', 'http://[::1]:8080'],
  credentials: true,
} as const;

export interface OriginProbe {
  /** The attack, in words: the test's name. */
  readonly attack: string;
  /** The value of each `Origin` line sent (two values = two lines); Buffers go out byte for byte. */
  readonly origins: readonly (string | Buffer)[];
  /**
   * Sent verbatim in place of the Origin lines, for values with CR, LF or NUL that no value
   * escaping can carry (`Origin: ` included).
   */
  readonly rawLine?: string;
  /** Bytes that must not appear anywhere in the response's header block (none for an empty value). */
  readonly needle?: string | Buffer;
}

const probe = (attack: string, origin: string): OriginProbe => ({
  attack,
  origins: [origin],
  ...(origin === '' ? {} : { needle: origin }),
});

/** Origins the probed policy allows: the controls that prove a probe's silence means something. */
export const ALLOWED_ORIGINS = [
  'https://app.example.com',
  'https://api.example.com',
  'https://a.b.example.com',
] as const;

export const ALLOWED_LOOPBACK_ORIGINS = ['http://127.0.0.1:8080', 'http://[::1]:8080'] as const;

/** Characters Safari and others let through in hosts; a sloppy pattern stops at the first dot. */
export const SPECIAL_CHARACTERS = [
  '_',
  '-',
  '"',
  '{',
  '}',
  '+',
  '^',
  '!',
  '~',
  '`',
  ';',
  '|',
  '&',
  "'",
  '(',
  ')',
  '*',
  ',',
  '$',
  '=',
  '%60',
  '%0b',
] as const;

const utf8 = (text: string) => Buffer.from(text, 'utf8');

export const ORIGIN_PROBES: readonly OriginProbe[] = [
  // Reflection: the middleware echoes whatever it receives.
  probe('reflection of an arbitrary origin', 'https://evil.com'),
  probe('reflection of an arbitrary origin with a port', 'https://evil.com:8443'),
  // Pre- and post-domain: unanchored prefix/suffix checks.
  probe(
    'post-domain: the allowed host as a subdomain of the attacker',
    'https://app.example.com.evil.com',
  ),
  probe(
    'post-domain: the allowed apex as a subdomain of the attacker',
    'https://example.com.evil.com',
  ),
  probe(
    'pre-domain: an attacker domain that ends with the allowed name',
    'https://evilexample.com',
  ),
  probe(
    'pre-domain: an attacker domain that ends with the allowed host',
    'https://evilapp.example.co',
  ),
  probe('pattern over the apex: *.example.com never allows example.com', 'https://example.com'),
  probe('suffix check without a dot boundary', 'https://notexample.com'),
  probe('trailing dot (the fully qualified form)', 'https://app.example.com.'),
  // Unescaped dot in a regular expression.
  probe('unescaped dot: any character in place of the dot', 'https://appxexample.com'),
  probe('unescaped dot in the pattern domain', 'https://api.examplexcom'),
  // Special characters after the host, followed by the attacker's domain.
  ...SPECIAL_CHARACTERS.map((ch) =>
    probe(
      `special character ${JSON.stringify(ch)} after the host, then the attacker's domain`,
      `https://app.example.com${ch}.evil.com`,
    ),
  ),
  probe('special character inside the host', 'https://app.exa{mple.com'),
  probe('white space inside the value', 'https://app.example.com .evil.com'),
  // null.
  probe('null origin (sandboxed iframe, file: page) without null in the allowlist', 'null'),
  probe('null in upper case', 'NULL'),
  probe('null in mixed case', 'Null'),
  probe('empty Origin header', ''),
  // Scheme downgrade and other schemes.
  probe('scheme downgrade to http', 'http://app.example.com'),
  probe('scheme downgrade to http on a pattern subdomain', 'http://api.example.com'),
  probe('ftp scheme', 'ftp://app.example.com'),
  probe('ws scheme', 'ws://app.example.com'),
  probe('wss scheme', 'wss://app.example.com'),
  probe('file scheme', 'file://'),
  probe('file scheme with a path', 'file:///etc/passwd'),
  probe('browser extension scheme', 'chrome-extension://app.example.com'),
  probe('browser extension id', 'chrome-extension://aapbdbdomjkkjkaonfhkkikfgjllcleb'),
  probe('javascript: pseudo-origin', 'javascript:alert(1)'),
  probe('data: pseudo-origin', 'data:text/html,app.example.com'),
  probe('missing scheme', 'app.example.com'),
  probe('scheme-relative value', '//app.example.com'),
  // Third-party hosting where anyone can register a name.
  probe('third-party hosting: github.io', 'https://app.example.com.github.io'),
  probe('third-party hosting: herokuapp.com', 'https://evil.herokuapp.com'),
  probe(
    'third-party hosting: herokuapp.com with the allowed name',
    'https://app-example-com.herokuapp.com',
  ),
  probe('third-party hosting: vercel.app', 'https://app-example.vercel.app'),
  probe('third-party hosting: pages.dev', 'https://app.example.com.pages.dev'),
  // Case variants: browsers serialize lower case; a case-folding matcher widens the allowlist.
  probe('case variant: upper-case scheme', 'HTTPS://app.example.com'),
  probe('case variant: upper-case host', 'https://APP.EXAMPLE.COM'),
  probe('case variant: mixed-case host', 'https://App.Example.com'),
  probe('case variant: mixed-case pattern subdomain', 'https://API.example.com'),
  // Paths, queries, fragments and default ports: never in a browser's Origin.
  probe('trailing slash', 'https://app.example.com/'),
  probe('path', 'https://app.example.com/path'),
  probe('path naming the allowed host', 'https://evil.com/app.example.com'),
  probe('query', 'https://app.example.com?x=1'),
  probe('fragment', 'https://app.example.com#x'),
  probe('explicit default port', 'https://app.example.com:443'),
  probe('explicit default port on a pattern subdomain', 'https://api.example.com:443'),
  probe('other port', 'https://app.example.com:8443'),
  probe('port with leading zeros', 'https://app.example.com:0443'),
  probe('port over 65535', 'https://app.example.com:70000'),
  probe('empty port', 'https://app.example.com:'),
  // Userinfo: the URL parser sees the host after @.
  probe('userinfo: allowed host as the user name', 'https://app.example.com@evil.com'),
  probe('userinfo: attacker as the user name', 'https://evil.com@app.example.com'),
  probe('userinfo: user and password', 'https://user:pass@app.example.com'),
  probe('backslash as the authority end', 'https://evil.com\\@app.example.com'),
  // Lists: one Origin with a comma, or two Origin lines (Node keeps only the first in req.headers).
  probe('comma list: allowed first', 'https://app.example.com, https://evil.com'),
  probe('comma list: attacker first', 'https://evil.com, https://app.example.com'),
  probe('comma list without a space', 'https://app.example.com,https://evil.com'),
  probe(
    'comma list of the allowed origin twice',
    'https://app.example.com, https://app.example.com',
  ),
  {
    attack: 'duplicated Origin lines: allowed first, attacker second',
    origins: ['https://app.example.com', 'https://evil.com'],
    needle: 'https://evil.com',
  },
  {
    attack: 'duplicated Origin lines: attacker first, allowed second',
    origins: ['https://evil.com', 'https://app.example.com'],
    needle: 'https://evil.com',
  },
  {
    attack: 'duplicated Origin lines: the allowed origin twice',
    origins: ['https://app.example.com', 'https://app.example.com'],
    needle: 'https://app.example.com',
  },
  {
    attack: 'duplicated Origin lines: null and the allowed origin',
    origins: ['null', 'https://app.example.com'],
    needle: 'https://app.example.com',
  },
  // Header injection: CR, LF and NUL inside the value (Node's client refuses to send them).
  {
    attack: 'CR inside the value (response splitting)',
    origins: [],
    rawLine: 'Origin: https://app.example.com\rSet-Cookie: injected=1',
    needle: 'injected',
  },
  {
    attack: 'LF inside the value (response splitting)',
    origins: [],
    rawLine: 'Origin: https://app.example.com\nSet-Cookie: injected=1',
    needle: 'injected',
  },
  {
    attack: 'obsolete line folding continues the value (CRLF SP)',
    origins: [],
    rawLine: 'Origin: https://app.example.com\r\n .evil.com',
    needle: 'evil.com',
  },
  {
    attack: 'obsolete line folding continues the value (CRLF HTAB)',
    origins: [],
    rawLine: 'Origin: https://app.example.com\r\n\t.evil.com',
    needle: 'evil.com',
  },
  {
    attack: 'NUL inside the value (C-string truncation)',
    origins: [],
    rawLine: 'Origin: https://app.example.com\u0000.evil.com',
    needle: 'evil.com',
  },
  probe('percent-encoded CRLF', 'https://app.example.com%0d%0aSet-Cookie:%20injected=1'),
  // IDN homographs: browsers send punycode; raw Unicode bytes never come from a browser.
  {
    attack: 'IDN homograph as raw UTF-8 bytes (Cyrillic а in the allowed subdomain)',
    origins: [utf8('https://аpp.example.com')],
    needle: utf8('https://аpp.example.com'),
  },
  {
    attack: 'IDN homograph as raw UTF-8 bytes (Cyrillic а in the allowed domain)',
    origins: [utf8('https://app.exаmple.com')],
    needle: utf8('https://app.exаmple.com'),
  },
  {
    attack: 'IDN homograph as raw UTF-8 bytes (аpple.com)',
    origins: [utf8('https://аpple.com')],
    needle: utf8('https://аpple.com'),
  },
  probe('IDN homograph as punycode (xn--pple-43d.com)', 'https://xn--pple-43d.com'),
  probe('IDN homograph of the allowed domain as punycode', 'https://app.xn--exmple-4nf.com'),
  // Length: a value far over any real origin, shaped to match the pattern if it were not capped.
  probe(
    'overlong origin (2 KiB of subdomains under the allowed domain)',
    `https://${'a.'.repeat(1015)}example.com`,
  ),
  probe('overlong label (2 KiB)', `https://${'a'.repeat(2048)}.example.com`),
];

/** Alternative spellings of the loopback addresses in {@link LOOPBACK_POLICY}: none is canonical. */
export const LOOPBACK_PROBES: readonly OriginProbe[] = [
  probe('IPv4 as one decimal number', 'http://2130706433:8080'),
  probe('IPv4 with a hex octet', 'http://0x7f.0.0.1:8080'),
  probe('IPv4 as a hex number', 'http://0x7f000001:8080'),
  probe('IPv4 with an octal octet', 'http://0177.0.0.1:8080'),
  probe('IPv4 with a leading zero', 'http://127.0.0.01:8080'),
  probe('IPv4 shortened to two parts', 'http://127.1:8080'),
  probe('IPv4 shortened to three parts', 'http://127.0.1:8080'),
  probe('IPv4 with a trailing dot', 'http://127.0.0.1.:8080'),
  probe('another loopback address', 'http://127.0.0.2:8080'),
  probe('localhost instead of the listed address', 'http://localhost:8080'),
  probe('IPv6 uncompressed', 'http://[0:0:0:0:0:0:0:1]:8080'),
  probe('IPv6 with leading zeros', 'http://[0000::1]:8080'),
  probe('IPv6 partly compressed', 'http://[::0:1]:8080'),
  probe('IPv6 upper-case hex', 'http://[::ABCD:1]:8080'),
  probe('IPv4-mapped IPv6 in dotted form', 'http://[::ffff:127.0.0.1]:8080'),
  probe('IPv4-mapped IPv6 in hex (canonical, but another address)', 'http://[::ffff:7f00:1]:8080'),
  probe('IPv6 with a zone id', 'http://[::1%25lo]:8080'),
  probe('IPv6 without brackets', 'http://::1:8080'),
  probe('port with a leading zero', 'http://127.0.0.1:08080'),
  probe('https instead of http', 'https://127.0.0.1:8080'),
  probe('no port', 'http://127.0.0.1'),
];
