import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: 'node',
    target: 'es2022',
    // dist/index.js + dist/index.cjs, as package.json's exports say (tsdown's node default is .mjs).
    fixedExtension: false,
  },
  {
    // The `cors-doctor` bin: ESM only, no types, its shebang kept.
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    platform: 'node',
    target: 'es2022',
    fixedExtension: false,
  },
]);
