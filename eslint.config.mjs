import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_ROWS_AT_THE_EDGE = {
  group: ['kysely', 'pg', 'better-sqlite3', '**/store/sql/**'],
  message: 'edges read and write stored state through the use cases (src/app), never rows directly',
};

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'data/', 'test-artifacts/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/domain/**/*.ts', 'src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['botbuilder*', 'restify*', 'better-sqlite3', 'pino', 'kysely', 'pg'],
              message: 'domain and app talk to ports, not to the edge',
            },
            {
              group: ['**/store/**', '!**/store/keys', '**/server/**', '**/teams/**', '**/web/**'],
              message: 'domain and app talk to ports, not to the edge',
            },
          ],
        },
      ],
    },
  },
  {
    // The edges reach stored state through the use cases.
    files: ['src/teams/**/*.ts', 'src/cards/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_ROWS_AT_THE_EDGE] }] },
  },
  {
    // The web layer (tab, chat page, API) is not the bot's either.
    files: ['src/web/**/*.ts'],
    ignores: ['src/web/webchat/webchat-archive.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ROWS_AT_THE_EDGE,
            {
              group: ['**/teams/**'],
              message: 'the web layer (tab, chat page, API) does not use the bot edge',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
