/* global */
// The page's security headers, in one place: scripts/serve.mjs sends them, and the Vite build
// writes the Content-Security-Policy into index.html as a meta tag for other static hosts
// (a meta tag cannot carry frame-ancestors, so only a real header stops framing).
//
// Everything the app runs and fetches comes from its own origin: scripts and workers from
// 'self', WebAssembly compiled from 'self' (tfjs-wasm, ONNX Runtime: 'wasm-unsafe-eval' allows
// WebAssembly only, not eval), images shown from data:/blob: URLs made in the page. Nothing
// may connect elsewhere, and no inline script runs.
export const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' data: blob:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The policy for the meta tag (no frame-ancestors: browsers ignore it there). */
export const CSP_META = CSP_DIRECTIVES.join('; ');

/** Every header scripts/serve.mjs sends with each response. */
export const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; '),
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};
