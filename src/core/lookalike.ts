/**
 * The look-alike witness: DeDe's question asked without a decoder. A backdoored encoder maps a
 * triggered image near the attacker's target, so the images whose *embeddings* are nearest to
 * it are target-like images that do not look like it; a clean image's embedding neighbours look
 * like it. The score compares the two neighbourhoods of each image in pixel space:
 *
 *   score_i = mean ||x_i - x_j||^2 over the k embedding-nearest j (cosine)
 *           / mean ||x_i - x_j||^2 over the 2k pixel-nearest j
 *
 * with each image's mean value removed first (`centre`, the default).
 *
 * The denominator is the best the folder can do for that image, so a busy texture (far from
 * everything) is not suspicious for being busy. Unlike the density witness it holds when a
 * stealthy attack (DRUPE) spreads the triggered embeddings over the clean distribution: they
 * still land among images that look different. It does not see a small patch trigger whose
 * images keep their own neighbourhood (README "Detection"); with small k the denominator's few
 * pixel neighbours let a pixel outlier through, so k stays >= 50 (measured in the scoring lab;
 * the default is 100).
 *
 * Pixels are the images at the decoder's size (`TrainData.images`). Above `maxReference`
 * images, both neighbourhoods are searched in one seeded reference sample of that size, which
 * bounds the cost at n x maxReference x (3 s^2 + dim), spent in matMuls.
 */
import type { Embeddings, ImageBatch } from './types';
import { Rng } from './model/rng';
import { unitRows } from './density';
import { referenceProducts, selectKth } from './pairwise';
import type { JobHooks } from './progress';

export interface LookalikeOptions {
  /** Embedding neighbours per image (the pixel pool in the denominator is 2k). */
  k: number;
  /** Above this many images, neighbours are searched in a seeded reference sample of this size. */
  maxReference: number;
  /**
   * Compare images with their own mean value removed (brightness), so a global brightness or
   * contrast shift (a blended trigger adds one) is not what makes two images differ.
   */
  centre: boolean;
}

/** k = 100, centred: measured against k = 30/50/100, uncentred, pooled and contrast-normalised (README "Detection"). */
export const DEFAULT_LOOKALIKE: LookalikeOptions = { k: 100, maxReference: 2000, centre: true };

/** Random stream key of the reference sample (apart from folds 101, power 103, donors 107, density 109). */
const REFERENCE_STREAM = 113;

/**
 * Look-alike score of every image (see the file comment). k is capped so that the pixel pool
 * (2k) fits in the reference less the image itself; fewer than 3 images score 1.
 */
export async function lookalikeScores(
  images: ImageBatch,
  emb: Embeddings,
  opts: LookalikeOptions = DEFAULT_LOOKALIKE,
  seed = 0,
  hooks: JobHooks = {},
): Promise<Float32Array> {
  const n = images.count;
  if (emb.count !== n) throw new Error(`look-alike witness: ${n} images but ${emb.count} embeddings`);
  const out = new Float32Array(n).fill(1);
  if (n < 3) return out;
  const len = images.size * images.size * 3;
  const d = emb.dim;
  const x = images.data;
  const u = unitRows(emb);
  const reference =
    n > opts.maxReference ? Int32Array.from(Rng.derive(seed, REFERENCE_STREAM).permutation(n).subarray(0, opts.maxReference)) : Int32Array.from({ length: n }, (_, i) => i);
  const k = Math.max(1, Math.min(opts.k, Math.floor((reference.length - 1) / 2)));
  const m = reference.length;
  // Pairwise products by matMul in row blocks (pairwise.ts): ||a - b||^2 = |a|^2 + |b|^2 - 2 a.b,
  // and with each image's mean removed, minus len (mean_a - mean_b)^2.
  const norms = new Float32Array(n);
  const means = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let t = 0;
    for (let j = i * len; j < (i + 1) * len; j++) {
      s += x[j] * x[j];
      t += x[j];
    }
    norms[i] = s;
    means[i] = opts.centre ? t / len : 0;
  }
  const sims = new Float32Array(m);
  const dists = new Float32Array(m);
  const scratch = new Float32Array(m);
  // The whole folder is the reference up to maxReference images: no copy then.
  await referenceProducts(
    [{ data: x, width: len }, { data: u, width: d }],
    n,
    m < n ? reference : null,
    (start, rows, [gx, gu]) => {
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        let c = 0;
        for (let q = 0; q < m; q++) {
          const o = reference[q];
          if (o === i) continue;
          sims[c] = gu[r * m + q];
          dists[c] = Math.max(0, norms[i] + norms[o] - 2 * gx[r * m + q] - len * (means[i] - means[o]) ** 2);
          c++;
        }
        // The k embedding-nearest: highest cosine first, ties by reference order (deterministic),
        // so those above the k-th highest cosine and the first ones equal to it.
        scratch.set(sims.subarray(0, c));
        const kth = selectKth(scratch, c, c - k);
        let viaEmbedding = 0;
        let taken = 0;
        for (let q = 0; q < c; q++) if (sims[q] > kth) { viaEmbedding += dists[q]; taken++; }
        for (let q = 0; q < c && taken < k; q++) if (sims[q] === kth) { viaEmbedding += dists[q]; taken++; }
        viaEmbedding /= k;
        // The mean of the 2k smallest distances: those up to the 2k-th smallest after selection.
        selectKth(dists, c, 2 * k - 1);
        let best = 0;
        for (let j = 0; j < 2 * k; j++) best += dists[j];
        best /= 2 * k;
        out[i] = viaEmbedding / Math.max(best, 1e-12);
      }
      // No progress events: 'scoring' already reached its total in the DeDe pass, and progress
      // never goes back.
    },
    hooks,
  );
  return out;
}
