/**
 * Scoring: the DeDe suspicion score of each image is the sum, over the pixels its random mask
 * hides, of the squared reconstruction error in normalised space (the authors' MAE_error).
 * Image i's k-th mask comes from the stream (seed, k, i), so scores do not depend on the batch
 * size or on the backend, and `reconstruct` shows exactly the mask behind a `masks: 1` score.
 */
import * as tf from '@tensorflow/tfjs';
import type { ScoreOptions } from '../options';
import type { Embeddings, ImageBatch, Progress } from '../types';
import { batchTensors, checkData, type TrainData } from './batch';
import { stepEngine } from './engine';
import type { DedeModel } from './dede';
import { keepCount, planMasks, type MaskPlan } from './patches';
import { Rng, STREAM } from './rng';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export type ScoringProgress = Exclude<Progress, { phase: 'training' }> & { phase: 'scoring' };

export interface ScoreHooks {
  /** After each batch; `done` counts (image, mask) evaluations. */
  onProgress?(p: ScoringProgress): void;
  /** Checked between batches; true makes `scoreImages` reject with a CancelledError. */
  shouldStop?(): boolean;
}

export const DEFAULT_SCORE_BATCH = 128;

/** What mask-based scoring needs of the score options. */
export type MaskScoring = Pick<ScoreOptions, 'scoreMask' | 'masks'> & { seed: number; batch?: number };

/** Masks of images `idx` for pass k (per-image streams, independent of batching). */
export function scoreMaskPlan(model: DedeModel, idx: ArrayLike<number>, ratio: number, seed: number, k: number): MaskPlan {
  return planMasks(idx.length, model.tokens, ratio, (b) => Rng.derive(seed, STREAM.scoreMask, k, idx[b]));
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The predicted patches of rows `idx` from the registered engine's forward pass (engine.ts), or
 * undefined when tfjs predicts itself; the caller disposes the tensor.
 */
async function enginePrediction(model: DedeModel, data: TrainData, idx: ArrayLike<number>, plan: MaskPlan): Promise<tf.Tensor3D | undefined> {
  const engine = stepEngine();
  if (!engine?.predict) return undefined;
  const pred = await engine.predict(model, data, idx, plan);
  return tf.tensor3d(pred, [idx.length, model.tokens, model.patchDim]);
}

/**
 * score_i = mean over k < K of sum_{hidden pixels, channels} (x_hat - x)^2 with K = opts.masks
 * (one pass when no patch stays visible: every mask is then the same).
 */
export async function scoreImages(
  model: DedeModel,
  data: TrainData,
  opts: MaskScoring,
  hooks: ScoreHooks = {},
): Promise<Float32Array> {
  checkData(data, model.imageSize, model.embDim);
  if (!(opts.masks >= 1)) throw new Error(`masks must be >= 1, got ${opts.masks}`);
  const n = data.images.count;
  const batch = Math.max(1, opts.batch ?? DEFAULT_SCORE_BATCH);
  const passes = keepCount(model.tokens, opts.scoreMask) === 0 ? 1 : Math.floor(opts.masks);
  const total = n * passes;
  const scores = new Float64Array(n);
  const started = performance.now();
  let done = 0;
  for (let k = 0; k < passes; k++) {
    for (let from = 0; from < n; from += batch) {
      if (hooks.shouldStop?.()) throw new CancelledError();
      const idx = Array.from({ length: Math.min(batch, n - from) }, (_, i) => from + i);
      const plan = scoreMaskPlan(model, idx, opts.scoreMask, opts.seed, k);
      const pred = await enginePrediction(model, data, idx, plan);
      const out = tf.tidy(() => {
        const { images, emb } = batchTensors(data, idx);
        return model.scoreBatch(images, emb, plan, pred);
      });
      const vals = await out.data();
      tf.dispose([out, ...(pred ? [pred] : [])]);
      for (let i = 0; i < idx.length; i++) scores[from + i] += vals[i];
      done += idx.length;
      const elapsed = (performance.now() - started) / 1000;
      hooks.onProgress?.({ phase: 'scoring', done, total, etaSeconds: (elapsed / done) * (total - done) });
      await nextTask();
    }
  }
  return Float32Array.from(scores, (s) => s / passes);
}

/**
 * Gallery view of images `indices` with their first score mask (k = 0): `recon` is the
 * prediction on hidden patches and the input on visible ones (n*S*S*3, normalised); `error`
 * is its per-pixel squared error summed over channels (n*S*S; sums to the `masks: 1` score);
 * `mask` is 1 on hidden pixels (n*S*S).
 */
export async function reconstruct(
  model: DedeModel,
  images: ImageBatch,
  emb: Embeddings,
  indices: number[],
  opts: { maskRatio: number; seed: number },
): Promise<{ recon: Float32Array; error: Float32Array; mask: Float32Array }> {
  const data = { images, emb };
  checkData(data, model.imageSize, model.embDim);
  for (const i of indices) if (!(i >= 0 && i < images.count)) throw new Error(`image index ${i} is out of range`);
  if (indices.length === 0) return { recon: new Float32Array(0), error: new Float32Array(0), mask: new Float32Array(0) };
  const plan = scoreMaskPlan(model, indices, opts.maskRatio, opts.seed, 0);
  const pred = await enginePrediction(model, data, indices, plan);
  const [recon, error, mask] = tf.tidy(() => {
    const t = batchTensors(data, indices);
    const out = model.forwardPlan(t.images, t.emb, plan, pred);
    const shown = tf.add(tf.mul(out.recon, out.mask), tf.mul(t.images, tf.sub(1, out.mask)));
    const err = tf.sum(tf.squaredDifference(shown, t.images), 3);
    return [shown, err, tf.squeeze(out.mask, [3])];
  });
  const result = {
    recon: (await recon.data()) as Float32Array,
    error: (await error.data()) as Float32Array,
    mask: (await mask.data()) as Float32Array,
  };
  tf.dispose([recon, error, mask, ...(pred ? [pred] : [])]);
  return result;
}
