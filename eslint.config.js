import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // src/ is the action: the emulator and tests are never part of it.
      'no-restricted-imports': [
        'error',
        {
          patterns: ['../emulator/*', '../../emulator/*', '**/test/*'],
          // Every log line goes through src/log.ts, which neutralises outside text (no runner commands).
          paths: [{ name: '@actions/core', message: 'Write to the log through src/log.ts (log.info(t`…`)), which makes outside text inert.' }],
        },
      ],
    },
  },
  {
    // The only files that may use @actions/core: the log itself, the inputs (getInput), the output and summary files.
    files: ['src/log.ts', 'src/main.ts', 'src/report/outputs.ts', 'src/report/summary.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../emulator/*', '../../emulator/*', '**/test/*'] }],
    },
  },
);
