import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ORIGIN_LENGTH, createCorsPolicy, parseOrigin } from '../src/index.js';
import { isPunycode } from '../src/origin.js';

describe('parseOrigin accepts what browsers serialize', () => {
  it.each([
    [
      'https://example.com',
      { scheme: 'https', host: 'example.com', hostKind: 'domain', port: null },
    ],
    [
      'http://localhost:3000',
      { scheme: 'http', host: 'localhost', hostKind: 'domain', port: 3000 },
    ],
    [
      'https://a-b_c.x1.example',
      { scheme: 'https', host: 'a-b_c.x1.example', hostKind: 'domain', port: null },
    ],
    [
      'https://xn--bcher-kva.example',
      { scheme: 'https', host: 'xn--bcher-kva.example', hostKind: 'domain', port: null },
    ],
    ['http://127.0.0.1:8080', { scheme: 'http', host: '127.0.0.1', hostKind: 'ipv4', port: 8080 }],
    ['http://0.0.0.0', { scheme: 'http', host: '0.0.0.0', hostKind: 'ipv4', port: null }],
    ['http://[::1]:3000', { scheme: 'http', host: '[::1]', hostKind: 'ipv6', port: 3000 }],
    [
      'https://[2001:db8::1]',
      { scheme: 'https', host: '[2001:db8::1]', hostKind: 'ipv6', port: null },
    ],
    ['https://[::]', { scheme: 'https', host: '[::]', hostKind: 'ipv6', port: null }],
    ['https://[1::]', { scheme: 'https', host: '[1::]', hostKind: 'ipv6', port: null }],
    [
      'https://[1:0:1:0:1:0:1:0]',
      { scheme: 'https', host: '[1:0:1:0:1:0:1:0]', hostKind: 'ipv6', port: null },
    ],
    [
      'https://[::ffff:7f00:1]',
      { scheme: 'https', host: '[::ffff:7f00:1]', hostKind: 'ipv6', port: null },
    ],
    [
      'chrome-extension://abcdefghijklmnop',
      { scheme: 'chrome-extension', host: 'abcdefghijklmnop', hostKind: 'domain', port: null },
    ],
    [
      'tauri://localhost:8080',
      { scheme: 'tauri', host: 'localhost', hostKind: 'domain', port: 8080 },
    ],
    ['tauri://localhost', { scheme: 'tauri', host: 'localhost', hostKind: 'domain', port: null }],
    [
      'https://example.com:80',
      { scheme: 'https', host: 'example.com', hostKind: 'domain', port: 80 },
    ],
    ['http://example.com:0', { scheme: 'http', host: 'example.com', hostKind: 'domain', port: 0 }],
    [
      'http://example.com:65535',
      { scheme: 'http', host: 'example.com', hostKind: 'domain', port: 65535 },
    ],
    [
      'web+app://example.com',
      { scheme: 'web+app', host: 'example.com', hostKind: 'domain', port: null },
    ],
  ])('%s', (value, expected) => {
    expect(parseOrigin(value)).toEqual({ kind: 'tuple', ...expected, serialized: value });
  });

  it('parses the opaque origin "null"', () => {
    expect(parseOrigin('null')).toEqual({ kind: 'null', serialized: 'null' });
  });

  it(`accepts an origin of exactly ${MAX_ORIGIN_LENGTH} characters only if its host fits DNS limits`, () => {
    const label = 'a'.repeat(63);
    const host = [label, label, label, 'b'.repeat(61)].join('.'); // 253 characters
    expect(parseOrigin(`https://${host}`)).not.toBeNull();
    expect(parseOrigin(`https://a${host}`)).toBeNull();
  });
});

describe('parseOrigin refuses anything a browser would never send', () => {
  it.each([
    ['a trailing slash', 'https://example.com/'],
    ['a path', 'https://example.com/app'],
    ['a query', 'https://example.com?x=1'],
    ['a fragment', 'https://example.com#x'],
    ['userinfo', 'https://user@example.com'],
    ['userinfo with password', 'https://user:pw@example.com'],
    ['an upper-case host', 'https://Example.com'],
    ['an upper-case scheme', 'HTTPS://example.com'],
    ['a leading space', ' https://example.com'],
    ['a trailing space', 'https://example.com '],
    ['a tab', 'https://exa\tmple.com'],
    ['CR/LF injection', 'https://example.com\r\nSet-Cookie: x=1'],
    ['a NUL byte', 'https://example.com\u0000.evil.com'],
    ['the default https port', 'https://example.com:443'],
    ['the default http port', 'http://example.com:80'],
    ['the default wss port', 'wss://example.com:443'],
    ['a port over 65535', 'https://example.com:65536'],
    ['a six-digit port', 'https://example.com:100000'],
    ['a port with a leading zero', 'https://example.com:08080'],
    ['an empty port', 'https://example.com:'],
    ['a non-numeric port', 'https://example.com:http'],
    ['a comma-separated list', 'https://a.example, https://b.example'],
    ['a comma without space', 'https://a.example,https://b.example'],
    ['no scheme', 'example.com'],
    ['a missing host', 'https://'],
    ['a scheme-relative URL', '//example.com'],
    ['a single slash', 'https:/example.com'],
    ['a scheme starting with a digit', '1https://example.com'],
    ['an empty string', ''],
    ['NULL in capitals', 'NULL'],
    ['Null', 'Null'],
    ['a trailing dot', 'https://example.com.'],
    ['an empty label', 'https://example..com'],
    ['a label over 63 characters', `https://${'a'.repeat(64)}.com`],
    ['unicode (not punycode)', 'https://bücher.example'],
    ['a homograph in Cyrillic', 'https://аpple.com'],
    ['a backslash', 'https://example.com\\.evil.com'],
    ['a percent-encoded character', 'https://example.com%60.evil.com'],
    ['a short IPv4 form', 'http://127.1'],
    ['an octal IPv4 form', 'http://0177.0.0.1'],
    ['a three-digit IPv4 part with a leading zero', 'http://010.0.0.1'],
    ['a two-digit IPv4 part with a leading zero', 'http://1.2.3.04'],
    ['a hex IPv4 form', 'http://0x7f.0.0.1'],
    ['a hex last label', 'http://example.0x1'],
    ['an integer IPv4 form', 'http://2130706433'],
    ['an IPv4 octet over 255', 'http://256.0.0.1'],
    ['five IPv4 parts', 'http://1.2.3.4.5'],
    ['an IPv4 with an empty part', 'http://1.2..4'],
    ['an unbracketed IPv6', 'http://::1'],
    ['a non-canonical IPv6 (zeros not compressed)', 'http://[0:0:0:0:0:0:0:1]'],
    ['a non-canonical IPv6 (leading zeros)', 'http://[::0001]'],
    ['a non-canonical IPv6 (upper case)', 'http://[2001:DB8::1]'],
    ['a non-canonical IPv6 (wrong run compressed)', 'http://[1:0::1:0:0:0:1]'],
    ['an IPv6 with embedded IPv4', 'http://[::ffff:127.0.0.1]'],
    ['an IPv6 with two ::', 'http://[1::2::3]'],
    ['an IPv6 with nine pieces', 'http://[1:2:3:4:5:6:7:8:9]'],
    ['an IPv6 with seven pieces and no ::', 'http://[1:2:3:4:5:6:7]'],
    ['an IPv6 with :: standing for no piece', 'http://[1:2:3:4::5:6:7:8]'],
    ['an IPv6 with a trailing single colon', 'http://[1::2:]'],
    ['an IPv6 with a leading single colon', 'http://[:1::2]'],
    ['an IPv6 with a five-digit piece', 'http://[1::12345]'],
    ['an IPv6 with a zone id', 'http://[fe80::1%25eth0]'],
    ['an unclosed IPv6 bracket', 'http://[::1'],
    ['text after the IPv6 bracket', 'http://[::1]x'],
    ['an empty IPv6', 'http://[]'],
    ['a special character after the host', 'https://example.com!.evil.com'],
  ])('refuses %s', (_label, value) => {
    expect(parseOrigin(value)).toBeNull();
  });

  it(`refuses values over ${MAX_ORIGIN_LENGTH} characters before reading them`, () => {
    expect(parseOrigin(`https://${'a.'.repeat(600)}com`)).toBeNull();
  });

  it('refuses a non-string without throwing', () => {
    expect(parseOrigin(undefined as unknown as string)).toBeNull();
    expect(parseOrigin(42 as unknown as string)).toBeNull();
  });
});

describe('IDN labels (xn--) are valid punycode', () => {
  it.each([
    'https://xn--.example.com',
    'https://xn--abc-.example.com',
    'https://xn---abc.example.com',
    'https://xn--zzzzzzzzzzzz.example.com',
    'https://app.xn--9999999999',
  ])('refuses %s, which the URL Standard refuses too', (origin) => {
    expect(parseOrigin(origin)).toBeNull();
  });

  it('no longer lets https://xn--.example.com match https://*.example.com', () => {
    const policy = createCorsPolicy({ origin: 'https://*.example.com' });
    expect(policy.decide({ method: 'GET', origin: 'https://xn--.example.com' })).toMatchObject({
      reason: 'origin-malformed',
    });
  });

  it.each([
    'https://xn--bcher-kva.example',
    'https://xn--mnchen-3ya.de',
    'https://www.xn--55qx5d.cn:8443',
  ])('accepts %s', (origin) => {
    expect(parseOrigin(origin)).not.toBeNull();
  });

  it('agrees with an independent RFC 3492 decoder on any label', async () => {
    const { decode, encode } = await import('node:punycode');
    // Node's decoder joins two decoded surrogate code points into one character, so a label is
    // valid when it decodes, has a non-ASCII character, has no lone surrogate, and encodes back to itself.
    const reference = (label: string) => {
      try {
        const decoded = decode(label);
        return (
          [...decoded].some((char) => char.charCodeAt(0) > 0x7f) &&
          !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(decoded) &&
          encode(decoded) === label
        );
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{0,24}$/), (label) => {
        expect(isPunycode(label, 0, label.length), label).toBe(reference(label));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 5000) },
    );
  });
});
