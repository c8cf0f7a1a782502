/**
 * The rows each decoder of a set trains on (decoderSet.ts): everything but its held-out fold,
 * less the trimmed rows (trim.ts), capped by a seeded sample, plus the augmented copies of those
 * rows (TrainData.extra). Split out of decoderSet.ts, which trains and scores with them.
 */
import type { TrainData } from './model';
import { gatherRows, type AugmentedRows } from './model/batch';
import { Rng } from './model/rng';
import type { DecoderSet } from './decoderSet';

/** The rows of `data` listed in `rows`, as a new TrainData. */
export function subsetData(data: TrainData, rows: number[]): TrainData {
  const { images, emb } = data;
  return {
    images: { count: rows.length, size: images.size, data: gatherRows(images.data, images.size * images.size * 3, rows) },
    emb: { count: rows.length, dim: emb.dim, data: gatherRows(emb.data, emb.dim, rows) },
  };
}

/** Rows 0..n-1 not in `held`. */
function complement(n: number, held: number[]): number[] {
  const out: number[] = [];
  const skip = new Set(held);
  for (let i = 0; i < n; i++) if (!skip.has(i)) out.push(i);
  return out;
}

/**
 * Training data of decoder f: everything but its held-out part, capped at `maxImages` rows by a
 * seeded sample (the same on every call, so training resumes exactly).
 */
export function trainDataFor(set: DecoderSet, data: TrainData, f: number, maxImages: number | null = null, seed = 0): TrainData {
  let rows = set.parts ? complement(data.images.count, set.parts[f]) : null;
  if (set.excluded && set.excluded.length > 0) {
    const out = new Set(set.excluded);
    rows = (rows ?? Array.from({ length: data.images.count }, (_, i) => i)).filter((r) => !out.has(r));
  }
  const n = rows?.length ?? data.images.count;
  if (maxImages !== null && n > maxImages) {
    const all = rows ?? Array.from({ length: n }, (_, i) => i);
    const pick = Rng.derive(seed, 103, f).permutation(n).subarray(0, maxImages);
    rows = Array.from(pick, (i) => all[i]).sort((a, b) => a - b);
  }
  const base = rows ? subsetData(data, rows) : { images: data.images, emb: data.emb };
  return data.extra ? withExtras(base, data.extra, rows ? new Set(rows) : null) : base;
}

/**
 * `base` followed by the extra rows whose source is in `keep` (all when null); a row with source
 * -1 is an auxiliary clean image, never scored, so every decoder may train on it.
 */
function withExtras(base: TrainData, extra: AugmentedRows, keep: Set<number> | null): TrainData {
  const pick: number[] = [];
  for (let j = 0; j < extra.source.length; j++) if (!keep || extra.source[j] < 0 || keep.has(extra.source[j])) pick.push(j);
  const px = base.images.size * base.images.size * 3;
  const dim = base.emb.dim;
  const n = base.images.count + pick.length;
  const images = new Float32Array(n * px);
  images.set(base.images.data);
  images.set(gatherRows(extra.images.data, px, pick), base.images.count * px);
  const emb = new Float32Array(n * dim);
  emb.set(base.emb.data);
  emb.set(gatherRows(extra.emb.data, dim, pick), base.emb.count * dim);
  return { images: { count: n, size: base.images.size, data: images }, emb: { count: n, dim, data: emb } };
}

/**
 * What the decoders train on when an auxiliary clean folder is given (`--train-on`, the app's
 * "Train the decoder on"): 'suspect' (no aux; cross-fitted on the scanned folder), 'aux' (one
 * decoder trained on the auxiliary folder alone, which scores every suspect image) or 'both'
 * (the cross-fitted decoders train on their folds of the scanned folder plus every auxiliary
 * image, which is never scored: more clean rows for a data-starved decoder, and held-out folds
 * still give the power estimate and the stopping rule).
 */
export type TrainSource = 'suspect' | 'aux' | 'both';

/** The sources an auxiliary folder can be used as. */
export type AuxTrainSource = Exclude<TrainSource, 'suspect'>;

/** Rows one epoch trains on over the whole set: the data's own rows and its extra (augmented or auxiliary) ones. */
export function trainRowCount(data: TrainData): number {
  return data.images.count + (data.extra?.images.count ?? 0);
}

/** The training data and whether it is cross-fitted, for one training source. */
export function trainingSet(suspect: TrainData, aux: TrainData | null, source: TrainSource): { data: TrainData; crossFit: boolean } {
  if (!aux || source === 'suspect') return { data: suspect, crossFit: true };
  if (source === 'aux') return { data: aux, crossFit: false };
  const rows: AugmentedRows = { images: aux.images, emb: aux.emb, source: new Int32Array(aux.images.count).fill(-1) };
  return { data: { ...suspect, extra: suspect.extra ? concatRows(suspect.extra, rows) : rows }, crossFit: true };
}

function concatRows(a: AugmentedRows, b: AugmentedRows): AugmentedRows {
  const cat = (x: Float32Array, y: Float32Array) => {
    const out = new Float32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const source = new Int32Array(a.source.length + b.source.length);
  source.set(a.source);
  source.set(b.source, a.source.length);
  return {
    images: { count: a.images.count + b.images.count, size: a.images.size, data: cat(a.images.data, b.images.data) },
    emb: { count: a.emb.count + b.emb.count, dim: a.emb.dim, data: cat(a.emb.data, b.emb.data) },
    source,
  };
}
