import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const layerBoundary = (forbidden, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'bench/.tmp/', 'public/', 'test-results/', 'playwright-report/', 'fixtures/', '**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is pure: it must not know a screen, a worker, a store or Node exists.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      ...layerBoundary(
        ['react', 'react-dom', 'zustand', 'recharts', 'comlink', 'node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', '**/ui/**', '**/state/**', '**/worker/**', '**/cli/**', 'onnxruntime-node'],
        'src/core is pure TypeScript shared by the worker, the CLI and tests: move this to an adapter.',
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'process', 'importScripts', 'navigator', 'localStorage', 'indexedDB'],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: layerBoundary(['react', 'react-dom', 'zustand', 'recharts', '**/ui/**', '**/state/**', 'node:*'], 'The worker computes; it knows no React or store.'),
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layerBoundary(['@tensorflow/*', 'onnxruntime-web', 'onnxruntime-node', 'node:*', '**/cli/**'], 'The UI never computes: ask the worker.'),
    },
  },
);
