// Lint rules that keep the architecture honest:
// - src/engine, src/shared, src/cli and webview-ui never import `vscode` (the engine runs in plain Node,
//   the webviews in a browser);
// - webview-ui imports only protocol/model types from src/shared, never engine or extension code;
// - floating promises are errors everywhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Only src/extension may import the vscode API; keep the engine and webviews free of it.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'media/**', 'models/**', '.e2e/**', 'test-artifacts/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            { group: ['**/engine/**', '**/extension/**', '**/cli/**'], message: 'webview-ui may import only types from src/shared.' },
          ],
        },
      ],
    },
  },
);
