import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.js'],
      // main.js starts every API module (NestJS included) before it prints its URLs.
      testTimeout: 90_000,
      hookTimeout: 90_000,
    },
  }),
);
