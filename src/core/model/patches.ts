/**
 * Patches and per-sample masks, built only from reshape/transpose/matMul so that every tfjs
 * backend (wasm has no gradient for conv2d filters nor for gather) can differentiate them.
 *
 * Token t = gy * g + gx (g = S / p, row-major over the patch grid); a patch vector is laid out
 * (py, px, c), i.e. the NHWC pixels of the patch in reading order.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';

/** [B,S,S,C] -> [B,T,p*p*C] with T = (S/p)^2; rank stays <= 4 (safe on every backend). */
export function patchify(x: tf.Tensor4D, p: number): tf.Tensor3D {
  const [b, s, , c] = x.shape;
  const g = s / p;
  if (!Number.isInteger(g)) throw new Error(`image size ${s} is not divisible by patch ${p}`);
  return tf.tidy(() =>
    x
      .reshape([b * g, p, g, p * c])
      .transpose([0, 2, 1, 3])
      .reshape([b, g * g, p * p * c]),
  );
}

/** Inverse of `patchify`: [B,T,p*p*C] -> [B,S,S,C]. */
export function unpatchify(x: tf.Tensor3D, p: number, channels: number): tf.Tensor4D {
  const [b, t] = x.shape;
  const g = Math.round(Math.sqrt(t));
  if (g * g !== t) throw new Error(`token count ${t} is not a square`);
  return tf.tidy(() =>
    x
      .reshape([b * g, g, p, p * channels])
      .transpose([0, 2, 1, 3])
      .reshape([b, g * p, g * p, channels]),
  );
}

/** Visible patches per sample: floor(T * (1 - ratio)), the same float expression as the authors' int(). */
export function keepCount(tokens: number, ratio: number): number {
  return Math.floor(tokens * (1 - ratio));
}

/** Which patches each sample keeps, in the random order the encoder sees them. */
export interface MaskPlan {
  batch: number;
  tokens: number;
  keep: number;
  /** batch * keep token indices; row b lists sample b's kept tokens in shuffled order. */
  keepIdx: Int32Array;
  /** batch * tokens, 1 where the patch is hidden (predicted), 0 where visible. */
  masked: Float32Array;
}

/**
 * Random per-sample masks: sample b shuffles 0..T-1 with `rngFor(b)` and keeps the first
 * `keepCount(T, ratio)` tokens of that order.
 */
export function planMasks(batch: number, tokens: number, ratio: number, rngFor: (b: number) => Rng): MaskPlan {
  if (!(ratio > 0 && ratio < 1)) throw new Error(`mask ratio must be in (0, 1), got ${ratio}`);
  const keep = keepCount(tokens, ratio);
  const keepIdx = new Int32Array(batch * keep);
  const masked = new Float32Array(batch * tokens).fill(1);
  for (let b = 0; b < batch; b++) {
    const perm = rngFor(b).permutation(tokens);
    for (let j = 0; j < keep; j++) {
      keepIdx[b * keep + j] = perm[j];
      masked[b * tokens + perm[j]] = 0;
    }
  }
  return { batch, tokens, keep, keepIdx, masked };
}

/** One rng for the whole batch, drawn in sample order (what `DedeModel.forward` uses). */
export function planMasksSequential(batch: number, tokens: number, ratio: number, rng: Rng): MaskPlan {
  return planMasks(batch, tokens, ratio, () => rng);
}

/**
 * One-hot selection matrices K [B, keep, T] with K[b, j, keepIdx[b, j]] = 1. Then
 * K @ tokens keeps and shuffles, and K^T @ kept puts the kept tokens back in place.
 */
export function keepMatrix(plan: MaskPlan): tf.Tensor3D {
  return tf.tensor3d(keepSelection(plan), [plan.batch, plan.keep, plan.tokens]);
}

/** `keepMatrix`'s values as a plain array (row-major [B, keep, T]). */
export function keepSelection(plan: MaskPlan): Float32Array {
  const { batch, tokens, keep, keepIdx } = plan;
  const k = new Float32Array(batch * keep * tokens);
  for (let i = 0; i < batch * keep; i++) k[i * tokens + keepIdx[i]] = 1;
  return k;
}
