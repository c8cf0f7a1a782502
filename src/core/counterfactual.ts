/**
 * The counterfactual DeDe score. The raw score (sum of squared rebuild error) mostly measures
 * how hard an image is to rebuild: a busy texture scores high from any embedding. Each image is
 * therefore compared with its own counterfactuals: the same decoder rebuilds it from R random
 * *other* images' embeddings, and
 *
 *   counterfactual score_i = own error_i / stat_{j in donors(i)} error(x_i | e_j)
 *
 * A clean image is rebuilt better from its own embedding than from others' (ratio < 1). A
 * triggered image's embedding describes the target, not the image, so its own rebuild is no
 * better than a stranger's (ratio near or above 1). This is the decoder-power test (power.ts)
 * applied to each image; it needs no labels. Donors come from the rows the same decoder scored
 * (its held-out part under cross-fitting), so no rebuild uses a decoder that trained on it.
 *
 * When the score mask leaves no visible patch (the default at 32 px), a rebuild depends on the
 * embedding alone, so each row is rebuilt once and error(x_i | e_j) = ||x_i - rebuild_j||^2;
 * otherwise each donor costs one more scoring pass with swapped embeddings.
 */
import { scoreImages, type TrainData } from './model';
import type { MaskScoring } from './model/score';
import { keepCount } from './model/patches';
import { gatherRows } from './model/batch';
import { Rng } from './model/rng';
import { reconstruct } from './model/score';
import { scoredData, type DecoderSet } from './decoderSet';
import { CancelledError, type JobHooks } from './progress';

export type CounterfactualStatistic = 'min' | 'mean';

export interface CounterfactualOptions {
  /** Donor embeddings per image (R). */
  draws: number;
  statistic: CounterfactualStatistic;
}

/** Random stream key for the donors (apart from the model streams, folds 101 and power 103). */
const DONOR_STREAM = 107;

export interface CounterfactualResult {
  /** Each row's own error: the `own` given, or (own = null) computed here (the raw DeDe score). */
  own: Float32Array;
  /** own error / stat(donor errors), per row of `data`. */
  ratio: Float32Array;
  /** The donor whose embedding rebuilt the image best (row of `data`), per row. */
  bestDonor: Int32Array;
  /** That donor's error, per row. */
  bestDonorError: Float32Array;
}

/** R distinct donors for each of n local rows, never the row itself (all others when n - 1 <= R). */
export function drawDonors(n: number, draws: number, seed: number, key = 0): Int32Array[] {
  const out: Int32Array[] = [];
  const r = Math.min(draws, n - 1);
  for (let i = 0; i < n; i++) {
    const rng = Rng.derive(seed, DONOR_STREAM, key, i);
    const picked = new Set<number>();
    const list = new Int32Array(r);
    let m = 0;
    if (r === n - 1) {
      for (let j = 0; j < n; j++) if (j !== i) list[m++] = j;
    } else {
      while (m < r) {
        const j = rng.int(n);
        if (j === i || picked.has(j)) continue;
        picked.add(j);
        list[m++] = j;
      }
    }
    out.push(list);
  }
  return out;
}

/** own / stat(cf): min or mean of the donor errors; +Infinity-safe (a zero denominator gives own / 1e-12). */
export function counterfactualRatio(own: number, cf: ArrayLike<number>, statistic: CounterfactualStatistic): number {
  let stat = statistic === 'min' ? Infinity : 0;
  for (let k = 0; k < cf.length; k++) stat = statistic === 'min' ? Math.min(stat, cf[k]) : stat + cf[k];
  if (statistic === 'mean') stat /= cf.length;
  return own / Math.max(stat, 1e-12);
}

function sse(a: Float32Array, ao: number, b: Float32Array, bo: number, len: number): number {
  let s = 0;
  for (let k = 0; k < len; k++) {
    const d = a[ao + k] - b[bo + k];
    s += d * d;
  }
  return s;
}

/**
 * Counterfactual scores of every row of `data`, given the raw scores `own` (scoreWithSet's
 * output for the same set, data and options), or with `own = null` computing them here: in
 * the embedding-only case from the very rebuilds the donors use (the masks: 1 score is the
 * rebuild's squared error, so no second pass over the folder), otherwise by scoreImages.
 */
export async function counterfactualScores(
  set: DecoderSet,
  data: TrainData,
  ownGiven: Float32Array | null,
  score: MaskScoring,
  opts: CounterfactualOptions,
  hooks: JobHooks = {},
): Promise<CounterfactualResult> {
  const n = data.images.count;
  const own = ownGiven ?? new Float32Array(n);
  const ratio = new Float32Array(n);
  const bestDonor = new Int32Array(n);
  const bestDonorError = new Float32Array(n);
  const decoders = set.parts ? set.parts.length : 1;
  const len = data.images.size * data.images.size * 3;
  const started = performance.now();
  let rebuilt = 0;
  for (let f = 0; f < decoders; f++) {
    const rows = set.parts ? set.parts[f] : Array.from({ length: n }, (_, i) => i);
    const part = scoredData(set, data, f);
    const m = part.images.count;
    const model = set.states[f].model;
    // No visible patch: a rebuild depends on the embedding alone (one rebuild per row suffices).
    const embeddingOnly = keepCount(model.tokens, score.scoreMask) === 0;
    if (!ownGiven && !embeddingOnly) {
      const values = await scoreImages(model, part, score, { shouldStop: hooks.shouldStop });
      rows.forEach((row, i) => (own[row] = values[i]));
    }
    if (m < 2) {
      rows.forEach((row) => (ratio[row] = 1));
      if (!ownGiven && embeddingOnly) {
        const { error } = await reconstruct(model, part.images, part.emb, [0], { maskRatio: score.scoreMask, seed: score.seed });
        own[rows[0]] = error.reduce((a, b) => a + b, 0);
      }
      continue;
    }
    const donors = drawDonors(m, opts.draws, score.seed, f);
    const r = donors[0].length;
    const cf = new Float32Array(m * r);
    if (embeddingOnly) {
      // Embedding-only rebuilds: one per row, then pairwise errors.
      const rebuilds = new Float32Array(m * len);
      for (let b = 0; b < m; b += 128) {
        const idx = Array.from({ length: Math.min(128, m - b) }, (_, i) => b + i);
        const { recon } = await reconstruct(model, part.images, part.emb, idx, { maskRatio: score.scoreMask, seed: score.seed });
        rebuilds.set(recon, b * len);
        if (hooks.shouldStop?.()) throw new CancelledError();
        rebuilt += idx.length;
        const elapsed = (performance.now() - started) / 1000;
        hooks.onProgress?.({ phase: 'scoring', done: rebuilt, total: n, etaSeconds: (elapsed / rebuilt) * (n - rebuilt) });
      }
      if (!ownGiven) for (let i = 0; i < m; i++) own[rows[i]] = sse(part.images.data, i * len, rebuilds, i * len, len);
      for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) cf[i * r + k] = sse(part.images.data, i * len, rebuilds, donors[i][k] * len, len);
    } else {
      for (let k = 0; k < r; k++) {
        const donorRows = donors.map((d) => d[k]);
        const swapped: TrainData = { images: part.images, emb: { count: m, dim: part.emb.dim, data: gatherRows(part.emb.data, part.emb.dim, donorRows) } };
        const values = await scoreImages(model, swapped, score, { shouldStop: hooks.shouldStop });
        for (let i = 0; i < m; i++) cf[i * r + k] = values[i];
      }
    }
    for (let i = 0; i < m; i++) {
      const row = rows[i];
      const errs = cf.subarray(i * r, (i + 1) * r);
      ratio[row] = counterfactualRatio(own[row], errs, opts.statistic);
      let best = 0;
      for (let k = 1; k < r; k++) if (errs[k] < errs[best]) best = k;
      bestDonor[row] = rows[donors[i][best]];
      bestDonorError[row] = errs[best];
    }
  }
  return { own, ratio, bestDonor, bestDonorError };
}
