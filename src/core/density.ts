/**
 * The embedding-neighbourhood witness. A BadEncoder-style backdoor sends every triggered image
 * to (almost) one target embedding, so triggered images have unusually close neighbours: the
 * score is the cosine similarity to the k-th nearest other embedding. It needs no decoder and
 * is near-perfect on such backdoors, but a stealthy attack (DRUPE) spreads the triggered
 * embeddings on purpose and defeats it by design, which is why DeDe's decoder stays the main
 * witness. Families are the groups of images whose embeddings nearly coincide: connected
 * components of the "similarity >= familyCos" graph among the flagged images, familyCos set
 * from the folder's own nearest-neighbour distances (familyCosFor).
 */
import type { Embeddings } from './types';
import { Rng } from './model/rng';
import { gatherRows } from './model/batch';
import { referenceProducts, selectKth } from './pairwise';
import type { JobHooks } from './progress';

export interface DensityOptions {
  /** Which neighbour's similarity is the score (k-th nearest other image). */
  k: number;
  /** Above this many images, neighbours are searched in a seeded reference sample of this size. */
  maxReference: number;
}

export const DEFAULT_DENSITY: DensityOptions = { k: 20, maxReference: 4000 };

/** Random stream key of the reference sample (apart from the other streams: 101, 103, 107). */
const REFERENCE_STREAM = 109;

/** Unit-length rows (a zero row stays zero). */
export function unitRows(emb: Embeddings): Float32Array {
  const { count: n, dim: d, data } = emb;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[i * d + j] = data[i * d + j] * inv;
  }
  return out;
}

function dot(u: Float32Array, a: number, b: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += u[a + j] * u[b + j];
  return s;
}

/**
 * score_i = cos(e_i, its k-th nearest other embedding), among all rows or, above
 * `maxReference` rows, among a seeded sample of them (k scaled by the sample's share, >= 1).
 * The cosines come from matMuls of unit rows (pairwise.ts) and the k-th largest by selection.
 */
export async function neighbourSimilarity(emb: Embeddings, opts: DensityOptions = DEFAULT_DENSITY, seed = 0, hooks: JobHooks = {}): Promise<Float32Array> {
  const n = emb.count;
  const out = new Float32Array(n);
  if (n < 2) return out;
  const reference = n > opts.maxReference ? Rng.derive(seed, REFERENCE_STREAM).permutation(n).subarray(0, opts.maxReference) : null;
  const m = reference ? reference.length : n;
  const k = Math.max(1, Math.min(m - 1, Math.round((opts.k * m) / n)));
  const sims = new Float32Array(m);
  await referenceProducts(
    [{ data: unitRows(emb), width: emb.dim }],
    n,
    reference,
    (start, rows, [cos]) => {
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        let c = 0;
        for (let q = 0; q < m; q++) if ((reference ? reference[q] : q) !== i) sims[c++] = cos[r * m + q];
        out[i] = selectKth(sims, c, c - k);
      }
    },
    hooks,
  );
  return out;
}

/** Random stream key of the nearest-neighbour sample of familyCosFor. */
const FAMILY_STREAM = 113;

/** Two embeddings are one family when they are this many times closer than the folder's typical nearest neighbours. */
export const FAMILY_CLOSER = 2;
/** ... and never below this cosine. */
export const FAMILY_MIN_COS = 0.95;

/**
 * The median over the rows (a seeded sample of `sample` rows above that many) of the cosine
 * distance (1 - cos) to the nearest other embedding of the whole folder.
 */
export function medianNearestDistance(emb: Embeddings, sample = 500, seed = 0): number {
  const n = emb.count;
  const d = emb.dim;
  if (n < 2) return 0;
  const u = unitRows(emb);
  const rows = n > sample ? Rng.derive(seed, FAMILY_STREAM).permutation(n).subarray(0, sample) : Uint32Array.from({ length: n }, (_, i) => i);
  const dist = Float64Array.from(rows, (i) => {
    let best = -Infinity;
    for (let o = 0; o < n; o++) if (o !== i) best = Math.max(best, dot(u, i * d, o * d, d));
    return 1 - best;
  }).sort();
  const m = dist.length;
  return m % 2 ? dist[(m - 1) / 2] : (dist[m / 2 - 1] + dist[m / 2]) / 2;
}

/**
 * The cosine at which two embeddings count as one family on this folder: FAMILY_CLOSER times
 * closer than the median nearest-neighbour distance, at least FAMILY_MIN_COS. A fixed cosine
 * means nothing across encoders: with ReLU + average-pool features every embedding is positive
 * and clean nearest neighbours sit at cosine 0.995 (a fixed 0.95 chained 80-95 of 100 random clean
 * images of the fixtures into one "family"; scripts/research/families.ts). A BadEncoder target
 * makes its triggered images 5-10x closer than that, a DRUPE-style one does not.
 */
export function familyCosFor(emb: Embeddings, seed = 0): number {
  return Math.max(FAMILY_MIN_COS, 1 - medianNearestDistance(emb, 500, seed) / FAMILY_CLOSER);
}

/**
 * Families among `rows`: groups (size >= 2) linked by cosine >= familyCos, largest first, each
 * sorted ascending. Rows with no such neighbour form no family.
 */
export function embeddingFamilies(emb: Embeddings, rows: number[], familyCos: number): number[][] {
  const d = emb.dim;
  // Only the listed rows are compared, so only they are normalised.
  const u = unitRows({ count: rows.length, dim: d, data: gatherRows(emb.data, d, rows) });
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let a = 0; a < rows.length; a++)
    for (let b = a + 1; b < rows.length; b++)
      if (dot(u, a * d, b * d, d) >= familyCos) parent[find(a)] = find(b);
  const groups = new Map<number, number[]>();
  rows.forEach((row, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), row]);
  });
  return [...groups.values()]
    .filter((g) => g.length >= 2)
    .map((g) => g.sort((x, y) => x - y))
    .sort((x, y) => y.length - x.length || x[0] - y[0]);
}
