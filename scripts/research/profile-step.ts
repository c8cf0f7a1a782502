/**
 * Per-kernel profile of one decoder training step on tfjs-wasm (README "Benchmarks", issue 8):
 * where a step's time goes, by kernel and, for BatchMatMul, by shape.
 *
 *   npx tsx scripts/research/profile-step.ts [fast|paper] [mask]
 */
import * as tf from '@tensorflow/tfjs';
import { setupNodeBackend } from '../../src/cli/backend';
import { createTrainState, trainStep } from '../../src/core/model';
import { DEFAULT_TRAIN, MODEL_PRESETS, type PresetName } from '../../src/core/options';
import { noise } from '../../bench/timing';

const preset = (process.argv[2] ?? 'fast') as PresetName;
const mask = Number(process.argv[3] ?? 0.99);
const B = 64, S = 32, E = 128;
await setupNodeBackend();
const data = { images: { count: B, size: S, data: noise(B * S * S * 3, 3) }, emb: { count: B, dim: E, data: noise(B * E, 5) } };
const state = createTrainState({ imageSize: S, embDim: E }, { ...DEFAULT_TRAIN, preset, batch: B, trainMask: mask, trainMaskEnd: null }, MODEL_PRESETS[preset]);
const idx = Array.from({ length: B }, (_, i) => i);
for (let i = 0; i < 2; i++) await trainStep(state, data, idx, mask);
const t0 = performance.now();
const prof = await tf.profile(async () => { await trainStep(state, data, idx, mask); });
const wall = performance.now() - t0;
const byName = new Map<string, { ms: number; n: number }>();
const byShape = new Map<string, { ms: number; n: number }>();
let total = 0;
for (const k of prof.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  total += ms;
  const e = byName.get(k.name) ?? { ms: 0, n: 0 };
  e.ms += ms; e.n++;
  byName.set(k.name, e);
  if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') {
    const key = `${k.inputShapes.map((s) => `[${s}]`).join('x')} ${JSON.stringify((k as unknown as { extraInfo?: string }).extraInfo ?? '')}`;
    const s = byShape.get(key) ?? { ms: 0, n: 0 };
    s.ms += ms; s.n++;
    byShape.set(key, s);
  }
}
console.log(`${preset} mask ${mask}: wall ${wall.toFixed(0)} ms (profiled), kernels ${total.toFixed(0)} ms, ${prof.kernels.length} kernel calls`);
for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`${name.padEnd(22)} ${e.ms.toFixed(1).padStart(8)} ms  ${String(e.n).padStart(5)} calls  ${((100 * e.ms) / total).toFixed(1)}%`);
console.log('\nmatMul shapes:');
for (const [key, e] of [...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(4)}x ${key}`);
