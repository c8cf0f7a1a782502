/**
 * The decoder's training step on onnxruntime-node (src/core/model/onnx) against tfjs-wasm's
 * `trainStep`: same initial weights, same masks; prints the largest weight difference after
 * N steps and both engines' samples/s. Usage: npx tsx scripts/research/ort-step.ts [fast|paper] [mask] [steps] [threads]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { DEFAULT_TRAIN, MODEL_PRESETS, type PresetName } from '../../src/core/options';
import { createTrainState, disposeTrainState, trainStep } from '../../src/core/model/train';
import { OrtStepEngine } from '../../src/core/model/onnx/ortStep';
import { installFastBatchMatMul } from '../../src/core/model/fastBatchMatMul';
import { Rng } from '../../src/core/model/rng';
import type { OrtRuntime } from '../../src/core/encoder/onnx';

const preset = (process.argv[2] ?? 'fast') as PresetName;
const mask = Number(process.argv[3] ?? 0.9);
const steps = Number(process.argv[4] ?? 6);
const threads = Number(process.argv[5] ?? 1);
const B = 64, S = 32, E = 128, N = B * 4;

await tf.setBackend('wasm');
await tf.ready();
installFastBatchMatMul();
const rng = Rng.derive(3);
const img = new Float32Array(N * S * S * 3).map(() => rng.normal());
const emb = new Float32Array(N * E).map(() => rng.normal());
const data = { images: { count: N, size: S, data: img }, emb: { count: N, dim: E, data: emb } };
const opts = { ...DEFAULT_TRAIN, preset, trainMask: mask, seed: 1 };
const mk = () => createTrainState({ imageSize: S, embDim: E }, opts, MODEL_PRESETS[preset]);
const idxOf = (i: number) => Uint32Array.from({ length: B }, (_, j) => (i * B + j) % N);

const a = mk();
const la: number[] = [];
let t0 = 0;
for (let i = 0; i < steps; i++) {
  if (i === 1) t0 = performance.now();
  la.push(await trainStep(a, data, idxOf(i), mask));
}
const tfRate = ((steps - 1) * B) / ((performance.now() - t0) / 1000);

const web = process.env.ORT_WEB === '1';
const runtime = createRequire(import.meta.url)(web ? 'onnxruntime-web' : 'onnxruntime-node') as OrtRuntime & { env: { wasm: { numThreads: number } } };
if (web) runtime.env.wasm.numThreads = threads;
const b = mk();
const eng = new OrtStepEngine({ runtime, threads, executionProviders: web ? ['wasm'] : ['cpu'], name: 'ort' });
const run = await eng.begin(b);
const lb: number[] = [];
for (let i = 0; i < steps; i++) {
  if (i === 1) t0 = performance.now();
  lb.push(await run.step(data, idxOf(i), mask));
}
const ortRate = ((steps - 1) * B) / ((performance.now() - t0) / 1000);
run.sync();
let worst = 0, worstName = '';
const wa = a.model.getWeights(), wb = b.model.getWeights();
for (const k of Object.keys(wa)) {
  let m = 0, s = 0;
  for (let i = 0; i < wa[k].length; i++) { m = Math.max(m, Math.abs(wa[k][i] - wb[k][i])); s = Math.max(s, Math.abs(wa[k][i])); }
  if (m / (s || 1) > worst) { worst = m / (s || 1); worstName = k; }
}
console.log(`${preset} mask ${mask}: losses tfjs ${la.map((x) => x.toFixed(5)).join(' ')}`);
console.log(`${' '.repeat(preset.length)}            ort  ${lb.map((x) => x.toFixed(5)).join(' ')}`);
console.log(`largest relative weight difference after ${steps} steps: ${worst.toExponential(2)} (${worstName})`);
console.log(`samples/s: tfjs-wasm ${tfRate.toFixed(1)}, ${web ? 'onnxruntime-web' : 'onnxruntime-node'} x${threads} ${ortRate.toFixed(1)} (${(ortRate / tfRate).toFixed(2)}x)`);
disposeTrainState(a); disposeTrainState(b); await eng.dispose();
