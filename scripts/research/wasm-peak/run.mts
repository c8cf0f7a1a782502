/**
 * The wasm SIMD matrix-product ceiling on this machine (README "Benchmarks"): peak.c's in-cache
 * 4x8 kernel, plain and with relaxed SIMD's fused multiply-add, in headless Chromium (one
 * worker, then two workers at once, as the app's 2 training threads) and in Node; beside it the
 * same shapes on onnxruntime-node's native MatMul (MLAS, AVX-512 here) on one thread.
 *
 *   bash scripts/research/wasm-peak/build.sh   # only after editing peak.c (outputs committed)
 *   npx tsx scripts/research/wasm-peak/run.mts [--out scripts/research/data/wasm-peak.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../src/core/model/onnx/graph';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const here = path.dirname(fileURLToPath(import.meta.url));
const wasm = (f: string) => fs.readFileSync(path.join(here, f));
const SHAPES: [number, number, number][] = [[64, 512, 128], [128, 64, 64], [256, 256, 256]];

/** Runs in Node, in a page and in a worker: GFLOP/s per shape, best of 5 timed calls of ~0.2 GFLOP. */
const BENCH = `async function bench(bytes, shapes) {
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const { gemm, memory } = instance.exports;
  const out = {};
  for (const [m, n, k] of shapes) {
    const A = 1024, B = A + m * k * 4, C = B + n * k * 4;
    const f = new Float32Array(memory.buffer);
    for (let i = A / 4; i < C / 4 + m * n; i++) f[i] = Math.random();
    const flops = 2 * m * n * k, reps = Math.max(1, Math.round(2e8 / flops));
    gemm(A, B, C, m, n, k, reps);
    let best = Infinity;
    for (let t = 0; t < 5; t++) { const t0 = performance.now(); gemm(A, B, C, m, n, k, reps); best = Math.min(best, performance.now() - t0); }
    out[m + 'x' + n + 'x' + k] = +((flops * reps) / best / 1e6).toFixed(1);
  }
  return out;
}`;
const bench = new Function(`${BENCH}; return bench;`)() as (b: Uint8Array, s: typeof SHAPES) => Promise<Record<string, number>>;

/** `arg.workers` workers at once, each timing the same calls: the sum over them. */
const IN_WORKERS = `async (arg) => {
  const src = ${JSON.stringify(BENCH)} + '; onmessage = async (e) => postMessage(await bench(new Uint8Array(e.data.bytes), e.data.shapes));';
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const run = () => new Promise((res) => { const w = new Worker(url); w.onmessage = (e) => { res(e.data); w.terminate(); }; w.postMessage(arg); });
  const rs = await Promise.all(Array.from({ length: arg.workers }, run));
  return Object.fromEntries(Object.keys(rs[0]).map((k) => [k, +rs.reduce((s, r) => s + r[k], 0).toFixed(1)]));
}`;

async function native(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [m, n, k] of SHAPES) {
    const g = new GraphBuilder();
    const a = g.input('a', [m, k]), b = g.input('b', [k, n]);
    g.output(g.matmul(a, b), 'c');
    const s = await ort.InferenceSession.create(g.encode('mm'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const feeds = { a: new ort.Tensor('float32', Float32Array.from({ length: m * k }, Math.random), [m, k]), b: new ort.Tensor('float32', Float32Array.from({ length: k * n }, Math.random), [k, n]) };
    const reps = Math.max(1, Math.round(2e8 / (2 * m * n * k)));
    await s.run(feeds);
    let best = Infinity;
    for (let t = 0; t < 5; t++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) await s.run(feeds);
      best = Math.min(best, performance.now() - t0);
    }
    out[`${m}x${n}x${k}`] = +((2 * m * n * k * reps) / best / 1e6).toFixed(1);
    await s.release();
  }
  return out;
}

const rows: Record<string, Record<string, number>> = {};
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
for (const kind of ['plain', 'relaxed']) {
  const bytes = [...wasm(`${kind}.wasm`)];
  rows[`chromium ${kind}, 1 worker`] = await page.evaluate(`(${IN_WORKERS})(${JSON.stringify({ bytes, shapes: SHAPES, workers: 1 })})`);
  rows[`chromium ${kind}, 2 workers at once (sum)`] = await page.evaluate(`(${IN_WORKERS})(${JSON.stringify({ bytes, shapes: SHAPES, workers: 2 })})`);
  rows[`node ${kind}, 1 thread`] = await bench(wasm(`${kind}.wasm`), SHAPES);
}
// WebNN would run native kernels (onnxruntime-web has a WebNN provider); is it there?
const webnn: Record<string, string> = {};
for (const flags of [[], ['--enable-features=WebMachineLearningNeuralNetwork']]) {
  const b = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', ...flags] });
  const p = await b.newPage();
  await p.route('http://localhost/', (r) => r.fulfill({ body: '<!doctype html>', contentType: 'text/html' }));
  await p.goto('http://localhost/'); // a secure context, as navigator.ml needs
  webnn[flags.join(' ') || 'default'] = await p.evaluate(async () => {
    const ml = (navigator as unknown as { ml?: { createContext(o: object): Promise<unknown> } }).ml;
    if (!ml) return 'no navigator.ml';
    try { await ml.createContext({ deviceType: 'cpu' }); return 'cpu context created'; } catch (e) { return `createContext: ${(e as Error).message}`; }
  });
  await b.close();
}
console.log('WebNN', JSON.stringify(webnn));
await browser.close();
rows['onnxruntime-node MatMul (native), 1 thread'] = await native();
for (const [k, v] of Object.entries(rows)) console.log(k.padEnd(45), JSON.stringify(v));
const outIdx = process.argv.indexOf('--out');
if (outIdx > 0) fs.writeFileSync(process.argv[outIdx + 1], JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0].model, cores: os.cpus().length, chromium: browser.version(), gflops: rows, webnn }, null, 1) + '\n');
