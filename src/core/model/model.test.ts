import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from '../options';
import type { TrainData } from './batch';
import { DedeModel } from './dede';
import { planMasks } from './patches';
import { Rng } from './rng';
import { reconstruct, scoreImages, scoreMaskPlan } from './score';
import {
  checkpointFromBytes,
  checkpointToBytes,
  createTrainState,
  disposeTrainState,
  loadCheckpoint,
  saveCheckpoint,
  saveCheckpointAsync,
  trainEpochs,
  trainStep,
} from './train';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 4 };

/**
 * n images of size s: one random colour per image plus a fixed spatial ramp and a little noise;
 * the embedding is that colour followed by 5 distractor values.
 */
function synthData(n: number, s: number, seed: number): TrainData {
  const rng = Rng.derive(seed);
  const img = new Float32Array(n * s * s * 3);
  const emb = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 8; j++) emb[i * 8 + j] = rng.normal();
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++)
        for (let c = 0; c < 3; c++)
          img[((i * s + y) * s + x) * 3 + c] = emb[i * 8 + c] + (0.5 * (x - y)) / s + 0.05 * rng.normal();
  }
  return { images: { count: n, size: s, data: img }, emb: { count: n, dim: 8, data: emb } };
}

function tensors(data: TrainData): { x: tf.Tensor4D; e: tf.Tensor2D } {
  const { images, emb } = data;
  return {
    x: tf.tensor4d(images.data, [images.count, images.size, images.size, 3]),
    e: tf.tensor2d(emb.data, [emb.count, emb.dim]),
  };
}

async function lossAndGrads(backend: string, data: TrainData, ratio: number) {
  await tf.setBackend(backend);
  const model = DedeModel.create(CFG, data.images.size, data.emb.dim, 5);
  const rng = Rng.derive(11);
  const plan = planMasks(data.images.count, model.tokens, ratio, () => rng);
  const { x, e } = tensors(data);
  const vars = [...model.variables.values()];
  const { value, grads } = tf.variableGrads(() => model.loss(x, e, plan, ratio), vars);
  const out = { loss: value.dataSync()[0], grads: {} as Record<string, Float32Array> };
  for (const [name, v] of model.variables) if (grads[v.name]) out.grads[name] = grads[v.name].dataSync() as Float32Array;
  tf.dispose([value, x, e, ...Object.values(grads)]);
  model.dispose();
  return out;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

let wasmOk = false;
beforeAll(async () => {
  wasmOk = await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('DedeModel', () => {
  it('has the paper preset size (about 7 M parameters) and validates its config', () => {
    const m = DedeModel.create({ patch: 4, dim: 192, heads: 3, encDepth: 12, decDepth: 4, mlpRatio: 4 }, 32, 512, 0);
    // 16 blocks * (qkv 3D^2 + proj D^2+D + mlp 8D^2+5D + 2 norms 4D) + enc final norm 2D
    // + patch 48D+D + pos 64D + cls D + inject 512D + mask D + dec pos 65D + head 48D+48
    const d = 192;
    const expected = 16 * (12 * d * d + 10 * d) + 2 * d + 49 * d + 64 * d + d + 512 * d + d + 65 * d + 48 * d + 48;
    expect(m.paramCount()).toBe(expected);
    expect(expected).toBeGreaterThan(7e6);
    m.dispose();
    expect(() => DedeModel.create(CFG, 18, 8, 0)).toThrow(/multiple of the patch/);
    expect(() => DedeModel.create({ ...CFG, heads: 3 }, 16, 8, 0)).toThrow(/divisible/);
  });

  it('gives the same loss and gradients on cpu and wasm', async () => {
    expect(wasmOk).toBe(true);
    const data = synthData(3, 16, 1);
    const cpu = await lossAndGrads('cpu', data, 0.75);
    const wasm = await lossAndGrads('wasm', data, 0.75);
    expect(Math.abs(cpu.loss - wasm.loss) / cpu.loss).toBeLessThan(1e-5);
    expect(Object.keys(wasm.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
    expect(Object.keys(cpu.grads).length).toBe(DedeModel.create(CFG, 16, 8, 0).variables.size);
    for (const [name, g] of Object.entries(cpu.grads)) {
      const w = wasm.grads[name];
      let diff = 0;
      for (let i = 0; i < g.length; i++) diff = Math.max(diff, Math.abs(g[i] - w[i]));
      expect(diff, name).toBeLessThanOrEqual(1e-4 * maxAbs(g) + 1e-7);
    }
  });

  it('handles zero kept patches: the encoder is skipped and gets no gradient', async () => {
    await tf.setBackend('wasm');
    const data = synthData(2, 16, 2);
    const { grads, loss } = await lossAndGrads('wasm', data, 0.99);
    expect(Number.isFinite(loss)).toBe(true);
    expect(Object.keys(grads).some((n) => n.startsWith('enc.'))).toBe(false);
    expect(grads['inject.w']).toBeDefined();
    expect(grads['dec.mask']).toBeDefined();
    const model = DedeModel.create(CFG, 16, 8, 0);
    const { x, e } = tensors(data);
    const { recon, mask } = model.forward(x, e, 0.99, Rng.derive(1));
    expect(recon.shape).toEqual([2, 16, 16, 3]);
    expect(mask.sum().dataSync()[0]).toBe(2 * 16 * 16);
    tf.dispose([recon, mask, x, e]);
    model.dispose();
  });

  it('forward returns images and the pixel mask of the hidden patches', async () => {
    await tf.setBackend('wasm');
    const data = synthData(2, 16, 3);
    const model = DedeModel.create(CFG, 16, 8, 0);
    const { x, e } = tensors(data);
    const before = tf.memory().numTensors;
    const { recon, mask } = model.forward(x, e, 0.75, Rng.derive(1));
    expect(recon.shape).toEqual([2, 16, 16, 3]);
    expect(mask.shape).toEqual([2, 16, 16, 1]);
    // 12 of 16 patches of 16 pixels hidden per image; the mask is constant within a patch
    expect(tf.tidy(() => mask.sum().dataSync()[0])).toBe(2 * 12 * 16);
    const m = mask.arraySync();
    expect(m[0][0][0][0]).toBe(m[0][3][3][0]);
    tf.dispose([recon, mask]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, e]);
    model.dispose();
  });
});

const TINY_TRAIN: TrainOptions = { ...DEFAULT_TRAIN, epochs: 2, batch: 8, lr: 3e-3, trainMask: 0.5, trainMaskEnd: null, seed: 4 };

describe('training', () => {
  it('reduces the loss on a small synthetic set', async () => {
    await tf.setBackend('wasm');
    const data = synthData(32, 8, 5);
    // Ends at the scoring condition (no visible patch), so it must learn to decode the embedding.
    const opts = { ...TINY_TRAIN, epochs: 12, lr: 1e-2, trainMaskEnd: 0.99 };
    const state = createTrainState({ imageSize: 8, embDim: data.emb.dim }, opts, CFG);
    const seen: number[] = [];
    await trainEpochs(state, data, opts, { onProgress: (p) => seen.push(p.done) });
    expect(seen.length).toBe(12 * 4);
    expect(seen[seen.length - 1]).toBe(48);
    expect(state.lossHistory.length).toBe(12);
    expect(state.lossHistory[11]).toBeLessThan(0.3 * state.lossHistory[0]);
    // The decoder must use the injected embedding: another image's embedding rebuilds worse
    // (what a backdoor trigger does to a poisoned image's embedding).
    const swapped: TrainData = { images: data.images, emb: { ...data.emb, data: data.emb.data.slice() } };
    for (let i = 0; i < 32; i++) swapped.emb.data.set(data.emb.data.subarray(((i + 1) % 32) * 8, ((i + 1) % 32) * 8 + 8), i * 8);
    const own = await scoreImages(state.model, data, { scoreMask: 0.99, masks: 1, seed: 0 });
    const other = await scoreImages(state.model, swapped, { scoreMask: 0.99, masks: 1, seed: 0 });
    const mean = (a: Float32Array) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(other)).toBeGreaterThan(5 * mean(own));
    disposeTrainState(state);
  });

  it('resumes from a byte checkpoint to exactly the weights of an uninterrupted run', async () => {
    await tf.setBackend('wasm');
    const data = synthData(24, 8, 6);
    // The schedule ends at 0.99, so epoch 2 keeps no patch (encoder skipped, Adam steps differ).
    const opts: TrainOptions = { ...TINY_TRAIN, trainMaskEnd: 0.99 };
    const dims = { imageSize: 8, embDim: data.emb.dim };

    const a = createTrainState(dims, opts, CFG);
    await trainEpochs(a, data, opts);
    const want = a.model.getWeights();

    const b = createTrainState(dims, opts, CFG);
    let steps = 0;
    const epochs: number[] = [];
    const first = await trainEpochs(b, data, opts, { onProgress: () => steps++, shouldStop: () => steps >= 4, onEpoch: (e) => void epochs.push(e) });
    expect(first.stopped).toBe(true);
    expect(b.step).toBe(4);
    expect(b.epochStep).toBe(1);
    const bytes = checkpointToBytes(saveCheckpoint(b));
    expect(checkpointToBytes(await saveCheckpointAsync(b))).toEqual(bytes);
    disposeTrainState(b);
    const c = loadCheckpoint(checkpointFromBytes(bytes));
    const second = await trainEpochs(c, data, opts, { onEpoch: (e) => void epochs.push(e) });
    expect(second.stopped).toBe(false);
    expect(epochs).toEqual([1, 2]);
    expect(c.step).toBe(6);
    expect(c.lossHistory).toEqual(a.lossHistory);
    const got = c.model.getWeights();
    for (const name of Object.keys(want)) expect(got[name], name).toEqual(want[name]);
    expect(c.optimizer.snapshot()).toEqual(a.optimizer.snapshot());
    expect(c.optimizer.snapshot().steps['enc.pos']).toBe(3);
    expect(c.optimizer.snapshot().steps['inject.w']).toBe(6);
    disposeTrainState(a);
    disposeTrainState(c);
    expect(() => checkpointFromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => checkpointFromBytes(new Uint8Array(64))).toThrow(/magic/);
  });

  it('leaks no tensors across steps', async () => {
    await tf.setBackend('wasm');
    const data = synthData(8, 8, 7);
    const state = createTrainState({ imageSize: 8, embDim: data.emb.dim }, TINY_TRAIN, CFG);
    const idx = [0, 1, 2, 3];
    await trainStep(state, data, idx, 0.5); // creates the Adam moments
    const n = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await trainStep(state, data, idx, i === 1 ? 0.99 : 0.5);
    expect(tf.memory().numTensors).toBe(n);
    await scoreImages(state.model, data, { scoreMask: 0.99, masks: 1, seed: 0, batch: 3 });
    await reconstruct(state.model, data.images, data.emb, [1, 2], { maskRatio: 0.5, seed: 0 });
    expect(tf.memory().numTensors).toBe(n);
    disposeTrainState(state);
  });
});

describe('scoring', () => {
  /** A model predicting the constant patch vector c everywhere (zero head weights). */
  function constantModel(c: Float32Array, embDim: number): DedeModel {
    const model = DedeModel.create(CFG, 8, embDim, 9);
    const w = model.variables.get('dec.head.w')!;
    w.assign(tf.zerosLike(w));
    model.variables.get('dec.head.b')!.assign(tf.tensor1d(c));
    return model;
  }

  /** Hand sum over pixels whose patch is hidden of (c - x)^2, with the token/vector layout spelled out. */
  function handScore(data: TrainData, i: number, c: Float32Array, hidden: (t: number) => boolean): number {
    const s = data.images.size;
    let sum = 0;
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const t = Math.floor(y / 4) * (s / 4) + Math.floor(x / 4);
        if (!hidden(t)) continue;
        for (let ch = 0; ch < 3; ch++) {
          const pred = c[((y % 4) * 4 + (x % 4)) * 3 + ch];
          const v = data.images.data[((i * s + y) * s + x) * 3 + ch];
          sum += (pred - v) ** 2;
        }
      }
    return sum;
  }

  it('sums the squared error over hidden pixels, averaged over K masks', async () => {
    await tf.setBackend('wasm');
    const data = synthData(5, 8, 8);
    const c = Float32Array.from({ length: 48 }, (_, j) => (j % 7) / 7 - 0.5);
    const model = constantModel(c, data.emb.dim);
    const all = await scoreImages(model, data, { scoreMask: 0.99, masks: 4, seed: 1, batch: 2 });
    for (let i = 0; i < 5; i++) expect(all[i]).toBeCloseTo(handScore(data, i, c, () => true), 3);

    const seen: number[] = [];
    const half = await scoreImages(model, data, { scoreMask: 0.5, masks: 3, seed: 2, batch: 2 }, { onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(15);
    for (let i = 0; i < 5; i++) {
      let want = 0;
      for (let k = 0; k < 3; k++) {
        const plan = scoreMaskPlan(model, [i], 0.5, 2, k);
        want += handScore(data, i, c, (t) => plan.masked[t] === 1);
      }
      expect(half[i]).toBeCloseTo(want / 3, 3);
    }

    // reconstruct shows the k = 0 mask: prediction where hidden, input where visible
    const r = await reconstruct(model, data.images, data.emb, [3], { maskRatio: 0.5, seed: 2 });
    const one = await scoreImages(model, data, { scoreMask: 0.5, masks: 1, seed: 2 });
    expect(r.error.reduce((a, b) => a + b, 0)).toBeCloseTo(one[3], 3);
    const plan = scoreMaskPlan(model, [3], 0.5, 2, 0);
    for (const [y, x] of [[0, 0], [5, 6], [7, 2]]) {
      const t = Math.floor(y / 4) * 2 + Math.floor(x / 4);
      const v = r.recon[(y * 8 + x) * 3 + 1];
      const want = plan.masked[t] ? c[((y % 4) * 4 + (x % 4)) * 3 + 1] : data.images.data[((3 * 8 + y) * 8 + x) * 3 + 1];
      expect(v).toBeCloseTo(want, 5);
      expect(r.mask[y * 8 + x]).toBe(plan.masked[t]);
    }
    model.dispose();
  });
});
