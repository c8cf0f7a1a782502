/**
 * Decoder training speed in Node: ms per optimizer step (batch 64, 32 px, 512-d embeddings)
 * for the `fast` and `paper` presets at train mask 0.9 and 0.99, plus scoring throughput.
 *   npx tsx bench/model-step.ts [backend=wasm] [steps=3]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadavg } from 'node:os';
import { DEFAULT_TRAIN, MODEL_PRESETS, type PresetName } from '../src/core/options';
import { createTrainState, disposeTrainState, trainStep, type TrainData } from '../src/core/model/train';
import { scoreImages } from '../src/core/model/score';
import { Rng } from '../src/core/model/rng';

const BATCH = 64;
const SIZE = 32;
const EMB = 512;

function randomData(n: number): TrainData {
  const rng = Rng.derive(123);
  return {
    images: { count: n, size: SIZE, data: Float32Array.from({ length: n * SIZE * SIZE * 3 }, () => rng.normal()) },
    emb: { count: n, dim: EMB, data: Float32Array.from({ length: n * EMB }, () => rng.normal()) },
  };
}

/** Best-of-5 GFLOP/s of one large 2-D matMul: says how much CPU this run actually got. */
function matMulGflops(): number {
  const a = tf.randomNormal([4160, 128]);
  const b = tf.randomNormal([128, 512]);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const c = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
    c.dataSync();
    best = Math.min(best, performance.now() - t);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * 4160 * 128 * 512) / best / 1e6;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'wasm';
  const steps = Number(process.argv[3] ?? 3);
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available`);
  await tf.ready();
  console.log(`backend ${tf.getBackend()}, batch ${BATCH}, ${SIZE} px, emb ${EMB}, load average ${loadavg()[0].toFixed(2)}`);
  console.log(`calibration: ${matMulGflops().toFixed(1)} GFLOP/s on one [4160,128]x[128,512] matMul (fast wasm path)`);
  const data = randomData(BATCH);
  const idx = Array.from({ length: BATCH }, (_, i) => i);
  for (const preset of ['fast', 'paper'] as PresetName[]) {
    for (const ratio of [0.9, 0.99]) {
      const state = createTrainState({ imageSize: SIZE, embDim: EMB }, { ...DEFAULT_TRAIN, preset });
      await trainStep(state, data, idx, ratio); // warm-up: kernels, Adam moments
      const times: number[] = [];
      for (let i = 0; i < steps; i++) {
        const t = performance.now();
        await trainStep(state, data, idx, ratio);
        times.push(performance.now() - t);
      }
      const ms = median(times);
      const params = (state.model.paramCount() / 1e6).toFixed(2);
      console.log(
        `train ${preset.padEnd(5)} (${params} M params) mask ${ratio}: ${ms.toFixed(0)} ms/step, ` +
          `${((BATCH * 1000) / ms).toFixed(1)} samples/s  [${times.map((x) => x.toFixed(0)).join(', ')}]`,
      );
      if (ratio === 0.99) {
        const t = performance.now();
        await scoreImages(state.model, data, { scoreMask: 0.99, masks: 1, seed: 0, batch: BATCH });
        const s = (performance.now() - t) / 1000;
        console.log(`score ${preset.padEnd(5)} mask 0.99: ${(BATCH / s).toFixed(0)} images/s`);
      }
      disposeTrainState(state);
    }
  }
  console.log(`presets: ${JSON.stringify(MODEL_PRESETS)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
