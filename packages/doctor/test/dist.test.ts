/**
 * The *built* package in both module systems, through its exports (h3's lesson: a bundler once
 * dropped code that the source needed), and the bin's shebang. `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = (load: string) => `
  ${load}
  const need = doctor.needsPreflight({ url: 'https://api.example/x', origin: 'https://app.example', method: 'patch', headers: [['Content-Type', 'application/json']], credentials: true });
  const outcome = doctor.preflightCheck(
    { status: 204, headers: [['access-control-allow-origin', 'https://app.example'], ['access-control-allow-credentials', 'true'], ['access-control-allow-methods', 'PATCH']] },
    { origin: 'https://app.example', credentials: true, method: need.method, unsafeHeaderNames: ['content-type'], headerNames: ['content-type'] },
  );
  const message = doctor.chromiumConsoleMessage(outcome.failure, 'https://api.example/x', 'https://app.example');
  console.log(JSON.stringify({ needed: need.needed, method: need.method, failure: outcome.failure, message, main: typeof doctor.main }));
`;

describe('the built package', () => {
  it.each([
    ['ESM', ['--input-type=module', '-e', script("import * as doctor from '@cors/doctor';")]],
    [
      'CommonJS',
      ['--input-type=commonjs', '-e', script("const doctor = require('@cors/doctor');")],
    ],
  ])('runs the browser model in %s through the package exports', (_kind, args) => {
    const out = JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));
    expect(out).toEqual({
      needed: true,
      method: 'patch',
      failure: { id: 'method-disallowed', hint: 'patch', preflight: true },
      message:
        "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
      main: 'function',
    });
  });

  it('ships the bin with its shebang', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
      bin: Record<string, string>;
    };
    const cli = readFileSync(`${root}${pkg.bin['cors-doctor']}`, 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
