/**
 * The built package's types as a Deno user sees them: `deno check` of test/runtimes/deno-check.ts,
 * which imports `@cors/fetch` and uses its API, against Deno's own `Request` and `Response`.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { denoCheck } from './runtimes.js';

it('type-checks under Deno', () => {
  const output = denoCheck(fileURLToPath(new URL('./runtimes/deno-check.ts', import.meta.url)));
  expect(output).toContain('Check');
}, 120_000);
