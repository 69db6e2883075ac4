import { defineConfig } from 'vitest/config';

/**
 * Every package's vitest config starts here: the JSON report is what `.ci/run` counts,
 * so a run that executed no test is visible in CI's last line.
 */
export const sharedTestConfig = defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    restoreMocks: true,
  },
});
