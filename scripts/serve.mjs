#!/usr/bin/env node
/* global process, console */
// Serves the production build (dist/) with the cross-origin isolation headers that
// SharedArrayBuffer (ONNX Runtime threads) needs. Node built-ins only, so `npm start` works
// from a bare clone after `npm ci`.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { SECURITY_HEADERS } from './headers.mjs';

const root = resolve(fileURLToPath(new URL('../dist', import.meta.url)));
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const ISOLATION = SECURITY_HEADERS;

/** The file a URL path names inside dist/, or null when it is outside or absent. */
function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const path = resolve(join(root, normalize(decoded)));
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const stat = statSync(path);
    if (stat.isFile()) return { path, size: stat.size };
    if (stat.isDirectory()) return fileFor(join(decoded, 'index.html'));
  } catch {
    return null;
  }
  return null;
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...ISOLATION }).end();
    return;
  }
  const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
  let file = fileFor(urlPath);
  // SPA fallback: an extensionless path that names no file is a client route.
  if (!file && extname(urlPath) === '') file = fileFor('/index.html');
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...ISOLATION }).end('Not found\n');
    return;
  }
  const hashed = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    'Content-Type': MIME[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': file.size,
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...ISOLATION,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file.path).pipe(res);
});

try {
  statSync(join(root, 'index.html'));
} catch {
  console.error('dist/index.html is missing: run `npm run build` first (or use `npm start`).');
  process.exit(1);
}
server.listen(port, host, () => {
  console.log(`DeDe Studio at http://${host}:${port}/`);
});
