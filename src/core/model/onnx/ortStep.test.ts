/**
 * The ONNX Runtime training engine against tfjs's own `trainStep`: the same model, data, masks
 * and Adam must give the same loss curve and weights to float rounding, on onnxruntime-node (the
 * CLI's engine) and on onnxruntime-web's wasm build (the browser worker's), with and without
 * visible patches, a partial last batch, weight decay, a stop and an exact resume; and its
 * forward pass must give tfjs's scores and rebuilds; and its pairwise products (the
 * decoder-free witnesses') tfjs's products.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OrtRuntime } from '../../encoder/onnx';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from '../../options';
import { synthTrainData } from '../../testData';
import { setStepEngine } from '../engine';
import { checkpointFromBytes, checkpointToBytes, createTrainState, disposeTrainState, loadCheckpoint, saveCheckpoint, trainEpochs, type TrainState } from '../train';
import { OrtStepEngine } from './ortStep';
import { reconstruct, scoreImages } from '../score';
import { BLOCK, referenceProducts } from '../../pairwise';
import { lookalikeScores } from '../../lookalike';
import { Rng } from '../rng';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 2, mlpRatio: 4 };
// 70 images in batches of 16: four full batches and a partial one of 6 per epoch.
const DATA = synthTrainData(70, 16, 4);
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 3, batch: 16, weightDecay: 1e-2, trainMaskEnd: null, seed: 9 };

const nodeRuntime = createRequire(import.meta.url)('onnxruntime-node') as OrtRuntime;
const engines = {
  'onnxruntime-node': () => new OrtStepEngine({ runtime: nodeRuntime, executionProviders: ['cpu'], threads: 1, name: 'node' }),
  'onnxruntime-web': () => new OrtStepEngine({ runtime: ortWeb, executionProviders: ['wasm'], threads: 1, name: 'web' }),
};

async function train(opts: TrainOptions, engine: OrtStepEngine | null, until?: number, from?: TrainState): Promise<TrainState> {
  const state = from ?? createTrainState({ imageSize: 16, embDim: 6 }, opts, CFG);
  setStepEngine(engine);
  try {
    await trainEpochs(state, DATA, opts, { untilEpoch: until });
  } finally {
    setStepEngine(null);
  }
  return state;
}

/** Largest |a - b| over a parameter, relative to the parameter's largest |a|. */
function worstRelative(a: TrainState, b: TrainState): number {
  const wa = a.model.getWeights();
  const wb = b.model.getWeights();
  let worst = 0;
  for (const name of Object.keys(wa)) {
    let diff = 0;
    let scale = 1e-6;
    for (let i = 0; i < wa[name].length; i++) {
      diff = Math.max(diff, Math.abs(wa[name][i] - wb[name][i]));
      scale = Math.max(scale, Math.abs(wa[name][i]));
    }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

beforeAll(async () => {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = 'error';
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(() => setStepEngine(null));

describe.each(Object.entries(engines))('training on %s', (_, make) => {
  it.each([
    ['visible patches (mask 0.75)', 0.75],
    ['no visible patch (mask 0.99, the product default)', 0.99],
  ])('gives tfjs trainStep loss curve and weights with %s', async (_label, mask) => {
    const opts = { ...OPTS, trainMask: mask };
    const ref = await train(opts, null);
    const engine = make();
    const got = await train(opts, engine);
    expect(got.step).toBe(ref.step);
    expect(got.lossHistory).toHaveLength(3);
    got.lossHistory.forEach((l, e) => expect(Math.abs(l - ref.lossHistory[e]) / ref.lossHistory[e]).toBeLessThan(1e-3));
    // The loss falls: the engine trains, it does not just echo its inputs.
    expect(got.lossHistory[2]).toBeLessThan(got.lossHistory[0]);
    expect(worstRelative(got, ref)).toBeLessThan(2e-3);
    // The optimizer state came back too: per-parameter step counts and moments.
    const [sa, sb] = [ref.optimizer.snapshot(), got.optimizer.snapshot()];
    expect(sb.steps).toEqual(sa.steps);
    if (mask === 0.99) expect(sb.steps['enc.patch.w']).toBeUndefined(); // no gradient without visible patches
    for (const name of Object.keys(sa.m)) expect(sb.m[name].length).toBe(sa.m[name].length);
    disposeTrainState(ref);
    disposeTrainState(got);
    await engine.dispose();
  });

  it('stops, checkpoints and resumes to the same weights as one uninterrupted run', async () => {
    const opts = { ...OPTS, trainMask: 0.75 };
    const engine = make();
    const whole = await train(opts, engine);
    const first = await train(opts, engine, 1);
    const resumed = loadCheckpoint(checkpointFromBytes(checkpointToBytes(saveCheckpoint(first))));
    await train(opts, engine, undefined, resumed);
    expect(resumed.lossHistory).toEqual(whole.lossHistory);
    expect(worstRelative(resumed, whole)).toBe(0);
    for (const s of [whole, first, resumed]) disposeTrainState(s);
    await engine.dispose();
  });
});

describe('the ONNX step graph', () => {
  it('differs from tfjs when the optimizer differs (the comparison can fail)', async () => {
    const ref = await train({ ...OPTS, trainMask: 0.75 }, null);
    const engine = engines['onnxruntime-node']();
    const other = await train({ ...OPTS, trainMask: 0.75, lr: OPTS.lr * 1.5 }, engine);
    expect(worstRelative(other, ref)).toBeGreaterThan(1e-2);
    disposeTrainState(ref);
    disposeTrainState(other);
    await engine.dispose();
  });
});

describe('the ONNX forward pass (scoring and rebuilds)', () => {
  it.each(Object.entries(engines))('gives tfjs scores and rebuilds on %s, with and without visible patches', async (_, make) => {
    const state = await train({ ...OPTS, trainMask: 0.75, epochs: 1 }, null);
    const engine = make();
    for (const scoreMask of [0.75, 0.99]) {
      const opts = { scoreMask, masks: 2, seed: 3, batch: 32 };
      const ref = await scoreImages(state.model, DATA, opts);
      const refView = await reconstruct(state.model, DATA.images, DATA.emb, [0, 5, 69], { maskRatio: scoreMask, seed: 3 });
      setStepEngine(engine);
      let got: Float32Array;
      let view: Awaited<ReturnType<typeof reconstruct>>;
      try {
        got = await scoreImages(state.model, DATA, opts);
        view = await reconstruct(state.model, DATA.images, DATA.emb, [0, 5, 69], { maskRatio: scoreMask, seed: 3 });
      } finally {
        setStepEngine(null);
      }
      got.forEach((v, i) => expect(Math.abs(v - ref[i]) / ref[i]).toBeLessThan(1e-4));
      view.recon.forEach((v, i) => expect(Math.abs(v - refView.recon[i])).toBeLessThan(1e-4));
      expect(view.mask).toEqual(refView.mask);
    }
    disposeTrainState(state);
    await engine.dispose();
  });
});

describe("the decoder-free witnesses' pairwise products", () => {
  it.each(Object.entries(engines))('on %s give tfjs products, the last short block included, and the same witness scores', async (_, make) => {
    const n = BLOCK + 45;
    const w = 48;
    const rng = Rng.derive(11, 1);
    const data = Float32Array.from({ length: n * w }, () => rng.normal());
    const reference = [3, 0, n - 1, 100, 7];
    const collect = async () => {
      const out: number[] = [];
      await referenceProducts([{ data, width: w }], n, reference, (_s, _r, [p]) => out.push(...p));
      return out;
    };
    const lookalike = () => lookalikeScores(DATA.images, DATA.emb, { k: 5, maxReference: 30, centre: true }, 2);
    const ref = await collect();
    const refLook = await lookalike();
    const engine = make();
    const built = vi.spyOn(engine, 'products');
    setStepEngine(engine);
    try {
      const got = await collect();
      // The engine multiplied (its session built; no quiet fall-back to tfjs).
      expect(built).toHaveBeenCalledTimes(1);
      await expect(built.mock.results[0].value).resolves.toBeDefined();
      expect(got.length).toBe(n * reference.length);
      got.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-4 * Math.sqrt(w)));
      const look = await lookalike();
      look.forEach((v, i) => expect(Math.abs(v - refLook[i]) / refLook[i]).toBeLessThan(1e-4));
    } finally {
      setStepEngine(null);
      await engine.dispose();
    }
  });
});
