import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/.blocks/**',
      '**/coverage/**',
      '**/node_modules/**',
      'docs/api/**',
      '**/.turbo/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware lint for the TypeScript of every package: sources and tests, through each package's
    // tsconfig.test.json (sources and tests) or else its tsconfig.json. Build and test configs and
    // plain JavaScript keep the syntactic rules only.
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts'],
    // Compiled against the Workers types by their own tsconfig (tsc checks them there).
    ignores: ['packages/fetch/test/types-workers/**'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: {
      parserOptions: {
        project: ['./packages/*/tsconfig.test.json', './packages/*/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Tuned on what the rules found when they were turned on (148 findings, none a bug):
      // Fastify and Nest handlers are async by contract, with or without an await.
      '@typescript-eslint/require-await': 'off',
      // 32 redundant `as` casts: `npx eslint --fix` removes them all once the refactors land.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Reads of Reflect metadata, Array.isArray and JSON are `any` by nature; each is checked where read.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // An async `http.createServer` handler is the idiom in tests and servers; every other misuse
      // of a promise (a condition, a spread) stays an error, as do floating promises.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
    },
  },
  {
    // CommonJS files (consumer fixtures that check the packages' require() entry).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests poke at built output and throw odd values on purpose.
    files: ['packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        document: 'readonly',
        window: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Adapters translate; they may only use the core's public surface (tRPC's rule).
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@cors/core/*'], message: 'Adapters use the public API of @cors/core only.' },
            {
              group: ['**/core/src/**'],
              message: 'Adapters use the public API of @cors/core only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Adapters translate; every CORS rule is the core's (issue 13). So no adapter source spells an
    // Access-Control-* header name, and none builds a decision by hand: both come from the core.
    files: ['packages/{node,fastify,koa,nestjs,fetch,hono}/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/access-control-/i]',
          message:
            'Adapters do not spell Access-Control-* headers: write decisions with the core (writeCorsHeaders, corsRequestFromHeaderRecord).',
        },
        {
          selector: 'TemplateElement[value.raw=/access-control-/i]',
          message:
            'Adapters do not spell Access-Control-* headers: write decisions with the core (writeCorsHeaders, corsRequestFromHeaderRecord).',
        },
        {
          selector:
            "ObjectExpression:has(> Property[key.name='reason']):has(> Property[key.name='kind']):has(> Property[key.name='allowed'])",
          message:
            'Adapters do not build a CorsDecision by hand: take it from policy.decide() or corsDisabledDecision().',
        },
      ],
    },
  },
  {
    // The core runs in every JavaScript runtime: no Node built-ins.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'The core must not import Node built-ins.' }] },
      ],
    },
  },
);
