import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'es2022',
  // dist/index.js + dist/index.cjs, as package.json's exports say (tsdown's node default is .mjs).
  fixedExtension: false,
  // CommonJS users write `require('@cors/node').cors` (or `.default`): the exports object, never the
  // function itself, so that both names work in both formats.
  outputOptions: { exports: 'named' },
});
