/**
 * The signature of DeDe's mechanism, as opposed to a plain pixel-outlier effect: a backdoored
 * encoder maps every triggered image to (almost) one target embedding, so the decoder rebuilds
 * them all as (almost) one image, whatever they show. The spread of a group of rows (mean
 * squared distance to the group's centroid, normalised space) in its inputs and in its rebuilds
 * measures that; `labelledCollapse` compares the poisoned and clean groups of a labelled folder.
 */
import { decoderForRow, scoredData, type DecoderSet } from './decoderSet';
import { Rng } from './model/rng';
import { reconstruct, type TrainData } from './model';

/** Mean squared distance to the centroid of the rows of `x` (row length `len`) listed in `rows`. */
export function groupSpread(x: Float32Array, len: number, rows: number[]): number {
  if (rows.length === 0) return NaN;
  const c = new Float64Array(len);
  for (const r of rows) for (let j = 0; j < len; j++) c[j] += x[r * len + j];
  for (let j = 0; j < len; j++) c[j] /= rows.length;
  let s = 0;
  for (const r of rows) for (let j = 0; j < len; j++) s += (x[r * len + j] - c[j]) ** 2;
  return s / rows.length;
}

/**
 * Rebuilds of the listed rows from their embedding alone (score mask), each by the decoder that
 * scored it and with the same mask its score used; rows.length x S*S*3 floats in `rows` order.
 */
export async function rebuildRows(
  set: DecoderSet,
  data: TrainData,
  rows: number[],
  opts: { maskRatio: number; seed: number },
): Promise<Float32Array> {
  const len = data.images.size * data.images.size * 3;
  const out = new Float32Array(rows.length * len);
  const byDecoder = new Map<number, { local: number; at: number }[]>();
  rows.forEach((row, at) => {
    const { f, local } = decoderForRow(set, row);
    if (!byDecoder.has(f)) byDecoder.set(f, []);
    byDecoder.get(f)!.push({ local, at });
  });
  for (const [f, list] of byDecoder) {
    const scored = scoredData(set, data, f);
    for (let b = 0; b < list.length; b += 128) {
      const chunk = list.slice(b, b + 128);
      const { recon } = await reconstruct(set.states[f].model, scored.images, scored.emb, chunk.map((c) => c.local), opts);
      chunk.forEach((c, k) => out.set(recon.subarray(k * len, (k + 1) * len), c.at * len));
    }
  }
  return out;
}

/** Every row rebuilt (see rebuildRows). */
export function rebuildAll(set: DecoderSet, data: TrainData, opts: { maskRatio: number; seed: number }): Promise<Float32Array> {
  return rebuildRows(set, data, Array.from({ length: data.images.count }, (_, i) => i), opts);
}

/** Rows per group that `labelledCollapse` rebuilds at most (a seeded sample beyond that). */
const GROUP_CAP = 500;

/** Up to `k` of `rows`, a seeded sample (all of them when there are no more than k). */
function sample(rows: number[], k: number, seed: number): number[] {
  if (rows.length <= k) return rows;
  const perm = Rng.derive(seed, 313).permutation(rows.length);
  return Array.from(perm.subarray(0, k), (i) => rows[i]);
}

/**
 * With ground truth (`labels[row]` = 1 poisoned, 0 clean, null unknown): how much of its own
 * input spread the labelled-poisoned group keeps in its rebuilds, relative to the clean group:
 * (rebuild spread / input spread of the poisoned rows) / (the same for the clean rows). Null
 * without two rows of each. Far below 1 when the encoder maps the triggered images to one
 * target (the backdoor DeDe exposes); near 1 when the poisoned images score high, or low, for
 * another reason (pixel outliers, say), as with a clean encoder on the same folder (README,
 * "What the demo shows"). Normalising by the inputs' spread matters: a blended trigger shrinks
 * the poisoned images' contrast, and their rebuilds' spread with it, whatever the encoder.
 * Rebuilds at most 500 rows per group, so it costs little next to scoring.
 */
export async function labelledCollapse(
  set: DecoderSet,
  data: TrainData,
  labels: (number | null)[],
  opts: { maskRatio: number; seed: number },
): Promise<number | null> {
  const pos = sample(labels.flatMap((l, i) => (l === 1 ? [i] : [])), GROUP_CAP, opts.seed + 1);
  const neg = sample(labels.flatMap((l, i) => (l === 0 ? [i] : [])), GROUP_CAP, opts.seed + 2);
  if (pos.length < 2 || neg.length < 2) return null;
  const rebuilt = await rebuildRows(set, data, [...pos, ...neg], opts);
  const len = data.images.size * data.images.size * 3;
  const at = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  const kept = (rows: number[], from: number) =>
    groupSpread(rebuilt, len, at(from, rows.length)) / groupSpread(data.images.data, len, rows);
  return kept(pos, 0) / kept(neg, pos.length);
}
