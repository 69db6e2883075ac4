import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**', 'docs/api/**', '**/.turbo/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
