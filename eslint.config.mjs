import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_ROWS_AT_THE_EDGE = {
  group: ['kysely', 'pg', 'better-sqlite3', '**/store/sql/**'],
  message: 'edges read and write stored state through the use cases (src/app), never rows directly',
};

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'data/', 'test-artifacts/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Every .ts file is in tsconfig.json (src, test, scripts, bench) but the browser code, below.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // The tab and the chat page run in the browser (DOM lib): tsconfig.tab.json, which the project service cannot find by name.
    files: ['src/web/tab/**/*.ts', 'src/web/chat/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.tab.json' } },
  },
  {
    // Browser tests hand callbacks to the page (page.evaluate): they are typed with the DOM lib too.
    files: ['test/browser/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.browser-tests.json' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests: jest's asymmetric matchers and parsed JSON bodies are typed any, and fakes implement async ports with
    // plain bodies. Promises must still be awaited (no-floating-promises above).
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Small enough to read in one sitting (STYLE.md). Migrations are declarative table lists, kept whole.
    files: ['src/**/*.ts'],
    ignores: ['src/store/sql/migrations/**'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
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
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
