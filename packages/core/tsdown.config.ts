import { defineConfig } from 'tsdown';
// @ts-expect-error -- a plain .mjs build script without types
import { asciiOnly } from './scripts/ascii-only.mjs';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
  // What a cold start parses: the TSDoc lives on in the .d.ts files, and the source map leads back
  // to the commented sources. Legal and /* @__PURE__ */ comments stay.
  outputOptions: { comments: { jsdoc: false } },
  plugins: [asciiOnly()],
});
