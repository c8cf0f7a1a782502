/**
 * The embedding-neighbourhood witness. A BadEncoder-style backdoor sends every triggered image
 * to (almost) one target embedding, so triggered images have unusually close neighbours: the
 * score is the cosine similarity to the k-th nearest other embedding. It needs no decoder and
 * is near-perfect on such backdoors, but a stealthy attack (DRUPE) spreads the triggered
 * embeddings on purpose and defeats it by design, which is why DeDe's decoder stays the main
 * witness. Families are the groups of images whose embeddings nearly coincide: connected
 * components of the "similarity >= familyCos" graph among the images this witness flags.
 */
import type { Embeddings } from './types';
import { Rng } from './model/rng';
import { gatherRows } from './model/batch';

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
 */
export function neighbourSimilarity(emb: Embeddings, opts: DensityOptions = DEFAULT_DENSITY, seed = 0): Float32Array {
  const n = emb.count;
  const d = emb.dim;
  const u = unitRows(emb);
  const out = new Float32Array(n);
  if (n < 2) return out;
  const reference =
    n > opts.maxReference ? Array.from(Rng.derive(seed, REFERENCE_STREAM).permutation(n).subarray(0, opts.maxReference)) : Array.from({ length: n }, (_, i) => i);
  const k = Math.max(1, Math.min(reference.length - 1, Math.round((opts.k * reference.length) / n)));
  const sims = new Float32Array(reference.length);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (const o of reference) if (o !== i) sims[m++] = dot(u, i * d, o * d, d);
    const view = sims.subarray(0, m).sort();
    out[i] = view[Math.max(0, m - k)];
  }
  return out;
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
