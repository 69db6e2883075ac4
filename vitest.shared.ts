import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const PACKAGES = fileURLToPath(new URL('./packages/', import.meta.url));

/** `@cors/<name>` → that workspace package's `src/index.ts`, for every package that has one. */
function workspaceSources(): Map<string, string> {
  const sources = new Map<string, string>();
  for (const dir of readdirSync(PACKAGES)) {
    const manifest = join(PACKAGES, dir, 'package.json');
    const entry = join(PACKAGES, dir, 'src', 'index.ts');
    if (!existsSync(manifest) || !existsSync(entry)) continue;
    sources.set(JSON.parse(readFileSync(manifest, 'utf8')).name, entry);
  }
  return sources;
}

/** A test of the built package: `dist.test.ts`, `dist-<what>.test.ts`, and what dist/ imports. */
export function testsTheBuild(importer: string): boolean {
  return (
    /[\\/](dist|node_modules)[\\/]/.test(importer) ||
    /^dist([.-].*)?\.test\.ts$/.test(basename(importer))
  );
}

/**
 * Tests see the workspace packages' sources: `import ... from '@cors/core'` in an adapter's test or
 * source resolves to packages/core/src/index.ts, so a change in the core is visible to every
 * adapter's tests without a rebuild. Tests of the build (see {@link testsTheBuild}) keep the
 * package's real resolution, `dist/` through its `exports`, as do `require()` calls, which vite
 * never sees.
 */
function resolveWorkspaceSources(): Plugin {
  const sources = workspaceSources();
  return {
    name: 'cors-workspace-sources',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer === undefined || testsTheBuild(importer)) return null;
      return sources.get(source) ?? null;
    },
  };
}

/**
 * Every package's vitest config starts here: the JSON report is what `.ci/run` counts,
 * so a run that executed no test is visible in CI's last line. `VITEST_REPORT` names another
 * report file, for the same suite run again (say under another Node.js version).
 */
export const sharedTestConfig = defineConfig({
  plugins: [resolveWorkspaceSources()],
  test: {
    // Type tests are proven by tsc: vitest runs them through the package's test tsconfig, so a
    // wrong expectTypeOf fails `npm test` too, not only `npm run typecheck`.
    typecheck: {
      enabled: true,
      include: ['test/**/types.test.ts', 'test/**/*.test-d.ts'],
      tsconfig: existsSync('tsconfig.test.json') ? './tsconfig.test.json' : './tsconfig.json',
    },
    reporters: [
      'default',
      ['json', { outputFile: process.env.VITEST_REPORT ?? 'test-results.json' }],
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    restoreMocks: true,
  },
});
