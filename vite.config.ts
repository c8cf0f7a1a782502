import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_META } from './scripts/headers.mjs';

// The production index.html carries the CSP as a meta tag (dev keeps Vite's inline preamble).
const cspMeta = {
  name: 'csp-meta',
  apply: 'build' as const,
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' as const }],
};

// Cross-origin isolation gives the page SharedArrayBuffer (ONNX Runtime's wasm threads).
// scripts/serve.mjs sends the same headers for the production build.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The .wasm binaries of tfjs and ONNX Runtime are imported with `?url` in src/worker/, so
// Vite copies them into dist/assets and nothing is fetched from a CDN.
export default defineConfig({
  plugins: [react(), cspMeta],
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  // Dev server only: pre-bundle the worker's deps up front (found late, they force a reload).
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'fast-png', 'jpeg-js'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
