/**
 * The built package's types as a Deno user sees them: `deno check` of test/runtimes/deno-check.ts,
 * a Hono app with `cors`, against Deno's own lib.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { denoCheck } from '../../fetch/test/runtimes.js';

it('type-checks under Deno', () => {
  const output = denoCheck(fileURLToPath(new URL('./runtimes/deno-check.ts', import.meta.url)));
  expect(output).toContain('Check');
}, 120_000);
