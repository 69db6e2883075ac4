/**
 * The Public Suffix List in the core: the committed table is what the generator makes from the
 * installed list, and patterns over a public suffix are refused with credentials and reported
 * without (issue 14).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, createCorsPolicy, type CorsOptions } from '../src/index.js';
import { publicSuffixSection } from '../src/public-suffix.js';
// @ts-expect-error -- a plain .mjs build script without types
import { readRules, renderPublicSuffixTable } from '../scripts/generate-public-suffixes.mjs';

const codes = (options: unknown) => {
  try {
    createCorsPolicy(options as CorsOptions);
    return [];
  } catch (error) {
    return (error as CorsConfigError).issues.map((issue) => issue.code);
  }
};

describe('the public suffix table', () => {
  it('is exactly what scripts/generate-public-suffixes.mjs makes from the installed tldts (run npm run update:psl)', async () => {
    const committed = readFileSync(
      new URL('../src/public-suffix-table.ts', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(await renderPublicSuffixTable());
  });

  it('reads back every rule of the installed list, with its section', async () => {
    const rules = (await (readRules as () => Promise<{ rule: string; section: string }[]>)()).map(
      ({ rule, section }) => [rule, section] as const,
    );
    expect(rules.length).toBeGreaterThan(10_000);
    const listed = new Set(rules.map(([rule]) => rule));
    for (const [rule, section] of rules) {
      if (rule.startsWith('!')) expect(publicSuffixSection(rule.slice(1)), rule).toBeNull();
      else if (rule.startsWith('*.')) {
        const under = `not-listed-0.${rule.slice(2)}`;
        if (!listed.has(`!${under}`)) expect(publicSuffixSection(under), rule).toBe(section);
      } else if (rule.includes('.')) expect(publicSuffixSection(rule), rule).toBe(section);
    }
  });

  it.each([
    ['co.uk', 'icann'],
    ['co.il', 'icann'],
    ['kawasaki.jp', 'icann'],
    ['foo.kawasaki.jp', 'icann'], // *.kawasaki.jp
    ['xn--55qx5d.cn', 'icann'], // 公司.cn, stored in punycode
    ['com', 'icann'],
    ['google', 'icann'], // every single label, listed or not
    ['myshopify.com', 'private'],
    ['s3.eu-west-1.amazonaws.com', 'private'],
    ['azurefd.net', 'private'],
    ['ngrok-free.dev', 'private'],
    ['readthedocs.io', 'private'],
    ['github.io', 'private'],
    ['example.com', null],
    ['city.kawasaki.jp', null], // !city.kawasaki.jp
    ['www.ck', null], // !www.ck
    ['a.b.example.com', null],
  ])('knows that %s is %s', (domain, section) => {
    expect(publicSuffixSection(domain)).toBe(section);
  });
});

describe('patterns over a public suffix', () => {
  it.each([
    'https://*.myshopify.com',
    'https://*.s3.eu-west-1.amazonaws.com',
    'https://*.azurefd.net',
    'https://*.ngrok-free.dev',
    'https://*.co.il',
    'https://*.readthedocs.io',
    'https://*.github.io',
    'https://*.s3.amazonaws.com',
    'https://*.co.uk',
  ])('refuses %s with credentials: anyone can own a name there', (pattern) => {
    expect(codes({ origin: pattern, credentials: true })).toEqual(['origin_pattern_public_suffix']);
  });

  it('reports one without credentials in policy.warnings, with the section and the fix', () => {
    const policy = createCorsPolicy({ origin: ['https://*.myshopify.com', 'https://*.co.uk'] });
    expect(policy.warnings).toEqual([
      expect.objectContaining({
        code: 'origin_pattern_public_suffix',
        option: 'origin[0]',
        value: 'https://*.myshopify.com',
        message: expect.stringContaining("'https://your-app.myshopify.com'"),
      }),
      expect.objectContaining({
        option: 'origin[1]',
        message: expect.stringContaining('a public suffix, where anyone can register a name'),
      }),
    ]);
    expect(policy.warnings[0]?.message).toContain('shared-hosting');
    expect(Object.isFrozen(policy.warnings)).toBe(true);
  });

  it('accepts a pattern over a registrable domain under a public suffix', () => {
    const policy = createCorsPolicy({
      origin: ['https://*.shop.myshopify.com', 'https://*.example.co.uk'],
      credentials: true,
    });
    expect(policy.warnings).toEqual([]);
  });

  it('still refuses a pattern over a single label, with or without credentials', () => {
    expect(codes({ origin: 'https://*.com' })).toEqual(['origin_pattern_too_broad']);
  });
});
