// Type-checked ESLint flat config. Kept under infra/ because the repository's top level is fixed;
// `npm run lint` passes it with --config.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'test-output/**', 'apps/console/dist/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: path.join(root, 'tsconfig.base.json'), tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      // Nest resolvers and handlers are async by contract even when a body has nothing to await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', 'bench/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Non-negotiable 1: the domain is pure TypeScript.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'libs/domain must not depend on NestJS.' },
            { group: ['typeorm', 'typeorm/*', '@nestjs/typeorm'], message: 'libs/domain must not depend on TypeORM.' },
            { group: ['pg', 'pg/*', 'pg-*'], message: 'libs/domain must not depend on the database driver.' },
            { group: ['class-validator', 'class-transformer'], message: 'libs/domain must not depend on validation frameworks.' },
            { group: ['@maillage/*', '!@maillage/domain'], message: 'libs/domain must not depend on other Maillage libraries.' },
          ],
        },
      ],
    },
  },
  {
    // Libraries never depend on an application (tests may drive one).
    files: ['libs/*/src/**/*.ts', 'infra/*/src/**/*.ts'],
    ignores: ['libs/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/*', '**/apps/**'], message: 'A library must not import from apps/: pass what it needs in (see seedDemo).' }] },
      ],
    },
  },
);
