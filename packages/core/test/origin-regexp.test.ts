/**
 * Origin RegExps are analysed for what they can match (src/origin-regexp.ts): each attack of
 * issue 14 is pinned by name, and two properties hold for every RegExp the analysis accepts: it
 * never allows an origin outside the domain it was written for, and a backtracking matcher needs
 * work linear in the origin's length to decide it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CorsConfigError,
  MAX_ORIGIN_LENGTH,
  createCorsPolicy,
  type CorsConfigIssue,
  type CorsDecision,
  type CorsOptions,
} from '../src/index.js';
import { analyseOriginRegExp, type FlatAtom, MAX_REGEXP_EXPANSIONS } from '../src/origin-regexp.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

function issuesOf(options: unknown): CorsConfigIssue[] {
  try {
    createCorsPolicy(options as CorsOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigError);
    return [...(error as CorsConfigError).issues];
  }
  throw new Error('expected a CorsConfigError');
}

const decide = (origin: RegExp | readonly RegExp[], value: string, credentials = false) =>
  createCorsPolicy({ origin: origin as RegExp, credentials }).decide({
    method: 'GET',
    origin: value,
  }) as CorsDecision;

describe('the attacks of issue 14, refused at start-up', () => {
  it('refuses /^.*$/ with credentials, which would reflect every origin with credentials', () => {
    const [issue] = issuesOf({ origin: /^.*$/, credentials: true });
    expect(issue).toMatchObject({ code: 'origin_regexp_unescaped_dot', option: 'origin' });
    expect(issue?.message).toContain("write '\\.' for a literal dot");
  });

  it('refuses /^https?:\\/\\/.+$/, which matches https://evil.com', () => {
    expect(issuesOf({ origin: /^https?:\/\/.+$/ })[0]?.code).toBe('origin_regexp_unescaped_dot');
  });

  it('refuses /^https:\\/\\/app.?example\\.com$/, a quantified dot that matches https://appxexample.com', () => {
    const [issue] = issuesOf({ origin: /^https:\/\/app.?example\.com$/ });
    expect(issue?.code).toBe('origin_regexp_unescaped_dot');
  });

  it('refuses /app.?example\\.com/ unanchored, saying how to anchor it', () => {
    const [issue] = issuesOf({ origin: /app.?example\.com/ });
    expect(issue?.code).toBe('origin_regexp_unanchored');
    expect(issue?.message).toContain('/^https:\\/\\/app.?example\\.com$/');
  });

  it('refuses /^http:\\/\\/intranet\\.example\\.com$/ with credentials, like its string twin', () => {
    const regexp = issuesOf({ origin: /^http:\/\/intranet\.example\.com$/, credentials: true });
    const string = issuesOf({ origin: 'http://intranet.example.com', credentials: true });
    expect(regexp.map((issue) => issue.code)).toEqual(['credentials_with_insecure_origin']);
    expect(string.map((issue) => issue.code)).toEqual(['credentials_with_insecure_origin']);
    expect(regexp[0]?.value).toEqual(['http://intranet.example.com']);
    expect(() =>
      createCorsPolicy({
        origin: /^http:\/\/intranet\.example\.com$/,
        credentials: true,
        dangerouslyAllowInsecureOrigins: true,
      }),
    ).not.toThrow();
  });

  it('refuses the RegExp that took 2.5 s to decide a 259-character origin', () => {
    const [issue] = issuesOf({
      origin: /^https:\/\/[a-z0-9.-]+[a-z0-9.-]+[a-z0-9.-]+[a-z0-9.-]+\.example\.com$/,
    });
    expect(issue?.code).toBe('origin_regexp_too_broad');
    expect(issue?.message).toContain("'https://*.example.com'");
  });

  it('refuses adjacent classes that compete for the same characters, even without a dot', () => {
    const [issue] = issuesOf({ origin: /^https:\/\/[a-z]+[a-z0-9]+\.example\.com$/ });
    expect(issue?.code).toBe('origin_regexp_backtracking');
    expect(issue?.message).toContain("'https://*.example.com'");
    expect(issuesOf({ origin: /^https:\/\/[a-z]?[a-z]?[a-z]+\.example\.com$/ })[0]?.code).toBe(
      'origin_regexp_backtracking',
    );
    expect(issuesOf({ origin: /^https:\/\/([a-z]+\.)*[a-z]+\.example\.com$/ })[0]?.code).toBe(
      'origin_regexp_backtracking',
    );
  });

  it.each([
    [/^https:\/\/[^.]+\.example\.com$/, "'/'"],
    [/^https:\/\/[a-z:]+\.example\.com$/, "':'"],
    [/^https:\/\/[a-z@]+\.example\.com$/, "'@'"],
    [/^https:\/\/example\.com:[0-9a-z]+$/, 'a non-digit'],
  ])('refuses %s, whose class spans %s', (regexp, what) => {
    const [issue] = issuesOf({ origin: regexp });
    expect(issue?.code).toBe('origin_regexp_too_broad');
    expect(issue?.message).toContain(what);
  });

  it('refuses a class that reaches into the domain name: /^https:\\/\\/[a-z]+example\\.com$/ matches https://evilexample.com', () => {
    const [issue] = issuesOf({ origin: /^https:\/\/[a-z]+example\.com$/ });
    expect(issue?.code).toBe('origin_regexp_too_broad');
    expect(issue?.message).toContain('https://evilexample.com');
    expect(issuesOf({ origin: /^https:\/\/app-[0-9]+$/ })[0]?.code).toBe('origin_regexp_too_broad');
    expect(issuesOf({ origin: /^https:\/\/([a-z]+\.)+$/ })[0]?.code).toBe(
      'origin_regexp_too_broad',
    );
  });

  it('refuses a scheme that is not spelled out', () => {
    const [issue] = issuesOf({ origin: /^[a-z]+:\/\/app\.example\.com$/ });
    expect(issue?.code).toBe('origin_regexp_too_broad');
    expect(issuesOf({ origin: /^app\.example\.com$/ })[0]?.code).toBe('origin_regexp_too_broad');
  });

  it.each([
    [/^https:\/\/(?=a)a\.example\.com$/, 'a lookaround'],
    [/^https:\/\/(a)\1\.example\.com$/, "the escape '\\1'"],
    [/^https:\/\/\sa\.example\.com$/, "the escape '\\s'"],
    [/^https:\/\/a\.example\.com\b$/, "the escape '\\b'"],
    [/^https:\/\/a\.example\.com{$/, "a literal '{'"],
    [/^https:\/\/a\.example\.com}$/, "a stray '}'"],
    [/^https:\/\/a\.exa^mple\.com$/, "'^' inside the expression"],
    [/^https:\/\/[a-\d]\.example\.com$/, 'a class range it cannot read'],
    [new RegExp('^https:\\/\\/[[a]--[b]]\\.example\\.com$', 'v'), 'a set operation of the v flag'],
    [/^https:\/\/(ab){5}\.example\.com$/, 'up to 5 times'],
    [
      /^https:\/\/(a|b|c|d)(a|b|c|d)(a|b|c|d)(a|b|c|d)\.example\.com$/,
      `more than ${MAX_REGEXP_EXPANSIONS}`,
    ],
    [/^https:\/\/(a|b){0,4}(a|b){0,4}\.example\.com$/, `more than ${MAX_REGEXP_EXPANSIONS}`],
  ])('refuses %s, which uses %s', (regexp, what) => {
    const [issue] = issuesOf({ origin: regexp });
    expect(issue?.code).toBe('origin_regexp_unsupported');
    expect(issue?.message).toContain(what);
  });

  it.each([
    /^https:\/\/(a+)+\.example\.com$/,
    /^https:\/\/(a|aa)*\.example\.com$/,
    /^https:\/\/([a-z]*\.)*example\.com$/,
    /^https:\/\/([a-z.]+\.)*example\.com$/,
    /^https:\/\/([a-z]+-)*example\.com$/,
  ])('refuses the repeated group in %s', (regexp) => {
    expect(issuesOf({ origin: regexp })[0]?.code).toBe('origin_regexp_backtracking');
  });

  it('checks every origin a RegExp spells like the string itself: default port, upper case, path', () => {
    expect(issuesOf({ origin: /^https:\/\/a\.example\.com:443$/ })[0]).toMatchObject({
      code: 'origin_default_port',
      message: expect.stringContaining(
        'matches https://a.example.com:443, which names the default port',
      ),
    });
    expect(issuesOf({ origin: /^https:\/\/App\.example\.com$/ })[0]?.code).toBe('origin_uppercase');
    expect(issuesOf({ origin: /^https:\/\/a\.example\.com\/$/ })[0]?.code).toBe(
      'origin_trailing_slash',
    );
  });
});

describe('what an accepted RegExp becomes', () => {
  it('translates a RegExp without classes into the exact origins it spells (one Set lookup)', () => {
    const analysis = analyseOriginRegExp(/^https:\/\/(app|admin)\.example\.com$/);
    expect(analysis).toMatchObject({
      kind: 'covered',
      exact: true,
      covers: ['https://app.example.com', 'https://admin.example.com'],
    });
    const policy = createCorsPolicy({ origin: /^https:\/\/(?:www\.)?example\.com$/ });
    expect(
      (policy.decide({ method: 'GET', origin: 'https://www.example.com' }) as CorsDecision).allowed,
    ).toBe(true);
    expect(
      (policy.decide({ method: 'GET', origin: 'https://example.com' }) as CorsDecision).allowed,
    ).toBe(true);
    expect(
      (policy.decide({ method: 'GET', origin: 'https://wwwexample.com' }) as CorsDecision).allowed,
    ).toBe(false);
  });

  it('reads the i flag as lower case, and runs a RegExp with classes without g or y', () => {
    expect(analyseOriginRegExp(/^https:\/\/App\.Example\.com$/i)).toMatchObject({
      covers: ['https://app.example.com'],
    });
    expect(analyseOriginRegExp(/^https:\/\/[A-Z]+\.example\.com$/i)).toMatchObject({
      covers: ['https://*.example.com'],
      exact: false,
    });
    const sticky = /^https:\/\/[a-z]+\.example\.com$/gy;
    const analysis = analyseOriginRegExp(sticky);
    expect(analysis.kind === 'covered' && analysis.regexp.flags).toBe('');
    const policy = createCorsPolicy({ origin: sticky });
    for (let i = 0; i < 3; i++) {
      expect(
        (policy.decide({ method: 'GET', origin: 'https://a.example.com' }) as CorsDecision).allowed,
      ).toBe(true);
    }
  });

  it.each([
    [/^https:\/\/pr-\d+\.review\.example\.com$/, ['https://*.review.example.com']],
    [/^https:\/\/([a-z0-9-]+\.)*example\.com$/, ['https://example.com', 'https://*.example.com']],
    [/^https:\/\/([a-z0-9-]+\.){2,}example\.com$/, ['https://*.example.com']],
    [/^https:\/\/app-([a-z]+\.)+example\.com$/, ['https://*.example.com']],
    [
      /^https?:\/\/(www\.)?example\.com(:\d+)?$/,
      [
        'http://example.com',
        'http://example.com:*',
        'http://www.example.com',
        'http://www.example.com:*',
        'https://example.com',
        'https://example.com:*',
        'https://www.example.com',
        'https://www.example.com:*',
      ],
    ],
    [/^http:\/\/localhost:\d{2,5}$/, ['http://localhost:*']],
    [/^https:\/\/a{2}\.example\.com$/, ['https://aa.example.com']],
    [/^https:\/\/a{1,2}\.example\.com$/, ['https://*.example.com']],
    [/^https:\/\/[\w-]{3}\.example\.com$/, ['https://*.example.com']],
    [
      /^https:\/\/(?<app>app|api)\.example\.com$/,
      ['https://app.example.com', 'https://api.example.com'],
    ],
    [/^https:\/\/[a-z\]]+\.example\.com$/, ['https://*.example.com']],
  ])('covers %s with %j', (regexp, covers) => {
    const analysis = analyseOriginRegExp(regexp);
    expect(analysis.kind === 'covered' && analysis.covers).toEqual(covers);
    expect(() => createCorsPolicy({ origin: regexp })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
const ownDomain = fc
  .tuple(label, fc.constantFrom('com', 'org', 'net', 'dev'))
  .filter(([name]) => !/^\d+$/.test(name))
  .map(([name, tld]) => `${name}.${tld}`);
const escape = (text: string) => text.replace(/[.-]/g, (c) => `\\${c}`);
/** Pieces a RegExp author puts in front of their domain. */
const hostPiece = fc.oneof(
  label.map((l) => `${escape(l)}\\.`),
  fc.constantFrom(
    '[a-z0-9-]+\\.',
    '[a-z]+\\.',
    '\\d+\\.',
    '\\w+\\.',
    '[a-z]{1,8}\\.',
    'pr-\\d+\\.',
    '([a-z0-9-]+\\.)*',
    '([a-z0-9-]+\\.)+',
    '(www\\.)?',
    '(app|admin|api)\\.',
    '(?:eu|us)-[a-z]+\\.',
    '[a-z]+-[0-9]+\\.',
    // refused shapes, to keep the generator honest
    '[a-z.]+',
    '.*',
    '[a-z]+[a-z]+\\.',
    '(a+)+\\.',
    '[^/]+\\.',
    '[a-z]+',
  ),
);
const portPiece = fc.constantFrom('', '(:\\d+)?', ':8443', ':\\d{2,5}', '(?::(?:3000|8080))?');
const authored = fc
  .tuple(
    fc.constantFrom('https', 'https?', 'http'),
    fc.array(hostPiece, { maxLength: 3 }),
    ownDomain,
    portPiece,
  )
  .map(([scheme, pieces, domain, port]) => ({
    regexp: new RegExp(`^${scheme}:\\/\\/${pieces.join('')}${escape(domain)}${port}$`),
    domain,
  }));

/** Origins an attacker might send: around the domain, inside it, and far from it. */
const attackerOrigin = (domain: string) =>
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'ws', 'ftp'),
      fc.constantFrom('', 'evil.', 'a.b.', 'x', 'evil-', 'www.', 'aaaaaaaa.', '1.'),
      fc.constantFrom(
        domain,
        `${domain}.evil.com`,
        `evil${domain}`,
        domain.replace('.', '-'),
        'evil.com',
        `${domain.split('.')[0]}.evil`,
        domain.replace('.', 'x'),
      ),
      fc.constantFrom('', ':1', ':3000', ':8443', ':65535'),
    )
    .map(([scheme, prefix, host, port]) => `${scheme}://${prefix}${host}${port}`);

describe('properties of accepted RegExps', () => {
  it('never allows an origin outside the domain an accepted RegExp was written for', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        authored.chain(({ regexp, domain }) =>
          fc.tuple(
            fc.constant(regexp),
            fc.constant(domain),
            fc.array(attackerOrigin(domain), { minLength: 1, maxLength: 8 }),
          ),
        ),
        ([regexp, domain, origins]) => {
          let policy;
          try {
            policy = createCorsPolicy({ origin: regexp });
          } catch {
            return; // refused: nothing to allow
          }
          accepted++;
          for (const origin of origins) {
            const decision = policy.decide({ method: 'GET', origin }) as CorsDecision;
            if (!decision.allowed) continue;
            const host = origin.slice(origin.indexOf('://') + 3).replace(/:\d+$/, '');
            expect(
              host === domain || host.endsWith(`.${domain}`),
              `${regexp} allowed ${origin}`,
            ).toBe(true);
            expect(origin.startsWith('http://') || origin.startsWith('https://')).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('decides any origin of the maximum length in work linear in its length', () => {
    const worst = (domain: string) => {
      const room = MAX_ORIGIN_LENGTH - 'https://'.length - domain.length - 8;
      return [
        `https://${'a'.repeat(room)}`,
        `https://${'a'.repeat(room)}!`,
        `https://${'a.'.repeat(room >> 1)}x`,
        `https://${'1'.repeat(room)}.${domain}x`,
        `https://${'a-'.repeat(room >> 1)}.${domain}:`,
        `https://${'ab.'.repeat(room / 3)}${domain}:9`,
      ];
    };
    fc.assert(
      fc.property(authored, ({ regexp, domain }) => {
        const analysis = analyseOriginRegExp(regexp);
        if (analysis.kind !== 'covered') return;
        for (const input of worst(domain)) {
          const steps = analysis.forms.reduce(
            (sum, form) => sum + backtrackingSteps(form, input),
            0,
          );
          expect(steps, `${regexp} on ${input.length} characters`).toBeLessThanOrEqual(
            16 * MAX_REGEXP_EXPANSIONS * input.length,
          );
        }
      }),
      { numRuns: Math.min(RUNS, 5000) },
    );
  });

  it('the step counter sees the super-linear RegExps that the analysis refuses', () => {
    // The same matcher, fed the flat form of the 2.5 s RegExp, runs out of its budget: the bound
    // above is a real one.
    const cls = (chars: string): FlatAtom => ({
      kind: 'class',
      set: {
        ascii: Uint8Array.from({ length: 128 }, (_, c) =>
          chars.includes(String.fromCharCode(c)) ? 1 : 0,
        ),
        nonAscii: false,
      },
      min: 1,
      max: Infinity,
      source: '[…]+',
    });
    const hostChars = 'abcdefghijklmnopqrstuvwxyz0123456789.-';
    const form: FlatAtom[] = [
      ...[...'https://'].map((char): FlatAtom => ({ kind: 'char', char })),
      cls(hostChars),
      cls(hostChars),
      cls(hostChars),
      cls(hostChars),
      ...[...'.example.com'].map((char): FlatAtom => ({ kind: 'char', char })),
    ];
    const input = `https://${'a'.repeat(250)}!`;
    expect(backtrackingSteps(form, input)).toBeGreaterThan(1_000_000);
  });
});

const STEP_LIMIT = 2_000_000;

/**
 * The work a backtracking engine (greedy, then giving back one character at a time, as V8's
 * irregexp does) spends to decide `input` against one flat form, anchored at both ends. Counted,
 * not timed; stops at STEP_LIMIT.
 */
function backtrackingSteps(form: readonly FlatAtom[], input: string): number {
  let steps = 0;
  const inSet = (atom: Exclude<FlatAtom, { kind: 'char' }>, char: string) => {
    const code = char.charCodeAt(0);
    return code < 128 ? atom.set.ascii[code] === 1 : atom.set.nonAscii;
  };
  const match = (index: number, at: number): boolean => {
    if (++steps > STEP_LIMIT) return false;
    if (index === form.length) return at === input.length;
    const atom = form[index] as FlatAtom;
    if (atom.kind === 'char') return input[at] === atom.char && match(index + 1, at + 1);
    if (atom.kind === 'class') {
      let end = at;
      while (end < input.length && end - at < atom.max && inSet(atom, input[end] as string)) {
        end++;
        steps++;
      }
      for (let stop = end; stop - at >= atom.min; stop--) if (match(index + 1, stop)) return true;
      return false;
    }
    // Whole labels: greedily as many as there are, then one fewer, and so on.
    const ends: number[] = [];
    let pos = at;
    for (;;) {
      let end = pos;
      while (end < input.length && inSet(atom, input[end] as string)) {
        end++;
        steps++;
      }
      if (end === pos || input[end] !== '.') break;
      pos = end + 1;
      ends.push(pos);
    }
    for (let count = ends.length; count >= atom.min; count--) {
      if (match(index + 1, count === 0 ? at : (ends[count - 1] as number))) return true;
    }
    return false;
  };
  match(0, 0);
  return steps;
}

describe('RegExps over a public suffix', () => {
  it('refuses /^https:\\/\\/[a-z0-9-]+\\.myshopify\\.com$/ with credentials, naming the pattern it covers', () => {
    const [issue] = issuesOf({
      origin: /^https:\/\/[a-z0-9-]+\.myshopify\.com$/,
      credentials: true,
    });
    expect(issue?.code).toBe('origin_pattern_public_suffix');
    expect(issue?.message).toContain('matches https://*.myshopify.com');
  });

  it('reports it without credentials, in policy.warnings', () => {
    const policy = createCorsPolicy({ origin: /^https:\/\/[a-z0-9-]+\.github\.io$/ });
    expect(policy.warnings.map((warning) => warning.code)).toEqual([
      'origin_pattern_public_suffix',
    ]);
  });
});

it('decides the accepted kept RegExps exactly as the RegExp itself does', () => {
  const regexp = /^https:\/\/pr-\d+\.review\.example\.com(:\d+)?$/;
  fc.assert(
    fc.property(
      fc.constantFrom(
        'https://pr-1.review.example.com',
        'https://pr-x.review.example.com',
        'https://pr-12.review.example.com:8443',
        'https://pr-.review.example.com',
        'https://a.pr-1.review.example.com',
      ),
      (origin) => {
        expect(decide(regexp, origin).allowed).toBe(regexp.test(origin));
      },
    ),
  );
});

describe('the RegExp reader, at its edges', () => {
  it('reads a lazy quantifier as the same match', () => {
    expect(analyseOriginRegExp(/^https:\/\/[a-z]+?\.example\.com$/)).toMatchObject({
      covers: ['https://*.example.com'],
    });
  });

  it('refuses a class followed by a non-ASCII character, which reaches into the domain', () => {
    expect(issuesOf({ origin: /^https:\/\/[a-z]+ü\.example\.com$/ })[0]?.code).toBe(
      'origin_regexp_too_broad',
    );
  });

  it('knows that an ASCII class cannot match a non-ASCII character after it', () => {
    expect(analyseOriginRegExp(/^https:\/\/[a-z]+ü[0-9]\.example\.com$/)).toMatchObject({
      covers: ['https://*.example.com'],
    });
    expect(issuesOf({ origin: /^https:\/\/[^./:@]+ü[0-9]\.example\.com$/ })[0]?.code).toBe(
      'origin_regexp_backtracking',
    );
  });

  it.each([
    new RegExp('^https:\\/\\/[\\w--_]+\\.example\\.com$', 'v'),
    new RegExp('^https:\\/\\/[\\w&&\\d]+\\.example\\.com$', 'v'),
  ])('refuses the v flag set operation in %s', (regexp) => {
    expect(issuesOf({ origin: regexp })[0]?.message).toContain('a set operation of the v flag');
  });

  it('refuses a repeated group with too many ways through it', () => {
    expect(
      issuesOf({ origin: /^https:\/\/(a|b|c|d|e|f|g|h|i){0,2}\.example\.com$/ })[0]?.message,
    ).toContain(`more than ${MAX_REGEXP_EXPANSIONS}`);
  });

  it('lets an unexpected error through instead of hiding it as a refusal', () => {
    class Odd extends RegExp {
      override get flags(): string {
        throw new TypeError('odd flags');
      }
    }
    expect(() => analyseOriginRegExp(new Odd('^https:\\/\\/a\\.example\\.com$'))).toThrow(
      'odd flags',
    );
  });
});
