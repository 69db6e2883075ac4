/**
 * Runs decisions against the *built* package in both module systems (h3's lesson: a bundler once
 * dropped code that the source needed). `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCorsPolicy, explainCorsDecision, type CorsConfigError } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = (load: string) => `
  ${load}
  const policy = core.createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });
  const d = policy.decide({ method: 'OPTIONS', origin: 'https://app.example.com', requestMethod: 'PUT', requestHeaders: 'x-a' });
  let refused = '';
  try { core.createCorsPolicy({ origin: '*', credentials: true }); } catch (e) { refused = e.name + ':' + e.issues[0].code; }
  console.log(JSON.stringify({ d, refused, vary: core.appendVary('Accept', 'Origin'), parsed: core.parseOrigin('https://a.example') !== null }));
`;

describe('the built package', () => {
  it('exists (npm test builds it first)', () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
    expect(existsSync(`${root}dist/index.cjs`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.cts`)).toBe(true);
  });

  it.each([
    ['ESM', ['--input-type=module', '-e', script("import * as core from '@cors/core';")]],
    ['CommonJS', ['--input-type=commonjs', '-e', script("const core = require('@cors/core');")]],
  ])('decides in %s through the package exports', (_kind, args) => {
    const out = JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));
    expect(out.d).toMatchObject({
      kind: 'preflight',
      allowed: true,
      headers: {
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'x-a',
      },
      status: 204,
    });
    expect(out.refused).toBe('CorsConfigError:credentials_with_wildcard_origin');
    expect(out.vary).toBe('Accept, Origin');
    expect(out.parsed).toBe(true);
  });

  it.each(['index.js', 'index.cjs'])(
    'writes %s in ASCII only, which V8 keeps at one byte a character (a faster cold start)',
    (file) => {
      expect(readFileSync(`${root}dist/${file}`, 'utf8')).not.toMatch(/[^\0-\x7f]/);
    },
  );

  it('gives the non-ASCII characters of its messages as the sources do (scripts/ascii-only.mjs)', async () => {
    const sources = { createCorsPolicy, explainCorsDecision };
    // The two copies' types are distinct (dist's .d.ts and src), though the same.
    const built = (await import('@cors/core')) as unknown as typeof sources;
    const message = (core: typeof sources) => {
      try {
        core.createCorsPolicy({ origin: `https://${'a'.repeat(80)}%.example` });
      } catch (error) {
        return (error as CorsConfigError).issues[0]?.message;
      }
    };
    expect(message(sources)).toContain('…');
    expect(message(built)).toBe(message(sources));
    const trace = async (core: typeof sources) =>
      (
        await core.explainCorsDecision(core.createCorsPolicy({ origin: 'https://a.example' }), {
          method: 'GET',
          origin: 'https://a.example',
        })
      ).trace;
    expect((await trace(sources)).map((step) => step.spec)).toContain('Fetch §3.2.3');
    expect(await trace(built)).toEqual(await trace(sources));
  });

  it('shares one policy brand between the ESM and CommonJS builds', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require('@cors/core');
    const esm = await import('@cors/core');
    expect(esm.isCorsPolicy(cjs.createCorsPolicy({ origin: '*' }))).toBe(true);
  });
});
