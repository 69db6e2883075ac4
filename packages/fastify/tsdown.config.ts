import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'es2022',
  // `.js`/`.cjs`, as package.json's `exports` say.
  fixedExtension: false,
  // `import.meta.url` locates Fastify's own find-my-way; the CommonJS build needs it shimmed.
  shims: true,
  // CommonJS users write `require('@cors/fastify').corsPlugin` (or `.default`).
  outputOptions: { exports: 'named' },
});
