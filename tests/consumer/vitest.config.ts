import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      // npm install from the registry, then tsc: minutes, not seconds.
      testTimeout: 300_000,
      hookTimeout: 600_000,
      fileParallelism: false,
    },
  }),
);
