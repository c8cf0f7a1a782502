/**
 * Evidence an analyst can check and pass on, from the decoders that scored the images (so each
 * picture shows exactly what its score saw):
 *   - per sample: input | own rebuild | rebuild from the best counterfactual donor | error map;
 *   - the trigger hint over the flagged set: the mean per-pixel rebuild error of the flagged
 *     images beside that of the kept ones (a patch trigger that the rebuild drops shows as a
 *     bright square in their difference), and the mean flagged image minus the mean kept image.
 * Pure core: the CLI's report and the app's worker call the same functions.
 */
import { rebuildRows } from './collapse';
import { decoderForRow, scoredData, type DecoderSet } from './decoderSet';
import { reconstruct, type TrainData } from './model';
import { Rng } from './model/rng';
import { gatherRows } from './model/batch';

export interface RebuildOptions {
  maskRatio: number;
  seed: number;
}

/**
 * Rebuilds of `pairs[i].row` from the embedding of `pairs[i].donor`, each by the decoder that
 * scored the row and with the mask its score used; pairs.length x S*S*3 floats in order.
 */
export async function rebuildFromDonors(
  set: DecoderSet,
  data: TrainData,
  pairs: { row: number; donor: number }[],
  opts: RebuildOptions,
  /** The rows decoder f scored (default scoredData; a caller that caches them passes its cache). */
  scored: (f: number) => TrainData = (f) => scoredData(set, data, f),
): Promise<Float32Array> {
  const len = data.images.size * data.images.size * 3;
  const dim = data.emb.dim;
  const out = new Float32Array(pairs.length * len);
  const byDecoder = new Map<number, { local: number; donor: number; at: number }[]>();
  pairs.forEach(({ row, donor }, at) => {
    const { f, local } = decoderForRow(set, row);
    if (!byDecoder.has(f)) byDecoder.set(f, []);
    byDecoder.get(f)!.push({ local, donor, at });
  });
  for (const [f, list] of byDecoder) {
    const part = scored(f);
    for (let b = 0; b < list.length; b += 64) {
      const chunk = list.slice(b, b + 64);
      // Each row's own embedding is swapped for its donor's; rows are distinct, so one batch holds them all.
      const emb = { ...part.emb, data: Float32Array.from(part.emb.data) };
      for (const c of chunk) emb.data.set(data.emb.data.subarray(c.donor * dim, (c.donor + 1) * dim), c.local * dim);
      const { recon } = await reconstruct(set.states[f].model, part.images, emb, chunk.map((c) => c.local), opts);
      chunk.forEach((c, k) => out.set(recon.subarray(k * len, (k + 1) * len), c.at * len));
    }
  }
  return out;
}

/** Per-pixel squared error summed over the channels (images of S*S*3 floats -> S*S). */
export function pixelErrors(input: Float32Array, recon: Float32Array): Float32Array {
  const out = new Float32Array(recon.length / 3);
  for (let p = 0; p < out.length; p++) {
    let e = 0;
    for (let c = 0; c < 3; c++) {
      const d = recon[p * 3 + c] - input[p * 3 + c];
      e += d * d;
    }
    out[p] = e;
  }
  return out;
}

export interface SampleEvidence {
  row: number;
  /** Input, as the decoder's target (normalised NHWC floats, S*S*3). */
  input: Float32Array;
  /** Rebuild from the image's own embedding. */
  own: Float32Array;
  /** Rebuild from the embedding that rebuilt it best among its donors (counterfactual score), or null. */
  donor: { row: number; recon: Float32Array } | null;
  /** Per-pixel squared error of the own rebuild (S*S). */
  error: Float32Array;
  /**
   * The candidate images closest (pixel L2) to the own rebuild, nearest first: what the
   * embedding "looks like" to the decoder. A triggered image's rebuild lands near the target
   * class's images, a clean one's near images like itself.
   */
  nearest: number[];
}

/** Rows of `candidates` (never `self`) nearest to `x` in squared pixel distance, `k` of them. */
function nearestRows(x: Float32Array, images: Float32Array, len: number, candidates: number[], self: number, k: number): number[] {
  const best: { row: number; d: number }[] = [];
  for (const row of candidates) {
    if (row === self) continue;
    let d = 0;
    const o = row * len;
    for (let i = 0; i < len; i++) {
      const t = images[o + i] - x[i];
      d += t * t;
    }
    if (best.length < k || d < best[best.length - 1].d) {
      best.push({ row, d });
      best.sort((a, b) => a.d - b.d);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.row);
}

/** Evidence of each of `rows` (see SampleEvidence); `candidates` are the rows `nearest` searches (e.g. the kept images). */
export async function sampleEvidence(
  set: DecoderSet,
  data: TrainData,
  rows: number[],
  bestDonor: Int32Array | null,
  opts: RebuildOptions,
  candidates: number[] = [],
  nearestK = 3,
): Promise<SampleEvidence[]> {
  const len = data.images.size * data.images.size * 3;
  const own = await rebuildRows(set, data, rows, opts);
  const withDonor = bestDonor ? rows.map((row, at) => ({ row, donor: bestDonor[row], at })).filter((p) => p.donor >= 0) : [];
  const donorRecon = await rebuildFromDonors(set, data, withDonor, opts);
  const donorAt = new Map(withDonor.map((p, k) => [p.at, k]));
  return rows.map((row, at) => {
    const input = data.images.data.slice(row * len, (row + 1) * len);
    const recon = own.slice(at * len, (at + 1) * len);
    const k = donorAt.get(at);
    return {
      row,
      input,
      own: recon,
      donor: k === undefined ? null : { row: bestDonor![row], recon: donorRecon.slice(k * len, (k + 1) * len) },
      error: pixelErrors(input, recon),
      nearest: nearestRows(recon, data.images.data, len, candidates, row, nearestK),
    };
  });
}

export interface TriggerHint {
  size: number;
  /** Images the means are over (a seeded sample of at most `cap` per group). */
  flaggedCount: number;
  keptCount: number;
  /** Mean per-pixel squared rebuild error (S*S) of the flagged and of the kept images. */
  flaggedError: Float32Array;
  keptError: Float32Array;
  /** flaggedError - keptError: where the flagged images are rebuilt worse than the rest. */
  errorContrast: Float32Array;
  /** Mean flagged image minus mean kept image (S*S*3, the decoder's normalised units). */
  meanDiff: Float32Array;
  /** The 4x4-pixel window where errorContrast is largest (a patch trigger's likely place). */
  hotspot: { x: number; y: number; size: number };
}

export interface ScanEvidence {
  hint: TriggerHint | null;
  /** The highest-scored images (flagged first), then a few of the lowest for contrast. */
  samples: SampleEvidence[];
  /** How many of `samples` are the lowest-scored ones (at the end). */
  lowCount: number;
  /** Input images of the samples' nearest neighbours (rows and their S*S*3 floats), for showing them. */
  images: { rows: number[]; data: Float32Array };
}

/** What a report shows: the trigger hint and the evidence of the `top` highest and `low` lowest scored images. */
export async function scanEvidence(
  set: DecoderSet,
  data: TrainData,
  scores: Float32Array,
  flagged: boolean[],
  bestDonor: Int32Array | null,
  opts: RebuildOptions,
  top = 12,
  low = 4,
): Promise<ScanEvidence> {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const high = order.slice(0, Math.min(top, order.length));
  const lowest = order.slice(Math.max(high.length, order.length - low)).reverse();
  const kept = order.filter((i) => !flagged[i]);
  const samples = await sampleEvidence(set, data, [...high, ...lowest], bestDonor, opts, kept);
  const rows = [...new Set(samples.flatMap((s) => s.nearest))];
  const len = data.images.size * data.images.size * 3;
  const images = { rows, data: gatherRows(data.images.data, len, rows) };
  return { hint: await triggerHint(set, data, flagged, opts), samples, lowCount: lowest.length, images };
}

/** Trigger hint over the flagged images; null when none (or all) are flagged. */
export async function triggerHint(set: DecoderSet, data: TrainData, flagged: boolean[], opts: RebuildOptions, cap = 256): Promise<TriggerHint | null> {
  const n = data.images.count;
  const size = data.images.size;
  const px = size * size;
  const len = px * 3;
  const pick = (rows: number[], key: number) => {
    if (rows.length <= cap) return rows;
    const perm = Rng.derive(opts.seed, key).permutation(rows.length);
    return Array.from(perm.subarray(0, cap), (i) => rows[i]).sort((a, b) => a - b);
  };
  const flaggedRows = pick([...Array(n).keys()].filter((i) => flagged[i]), 0x71);
  const keptRows = pick([...Array(n).keys()].filter((i) => !flagged[i]), 0x72);
  if (flaggedRows.length === 0 || keptRows.length === 0) return null;
  const meanOf = async (rows: number[]) => {
    const recon = await rebuildRows(set, data, rows, opts);
    const err = new Float32Array(px);
    const img = new Float32Array(len);
    rows.forEach((row, at) => {
      const input = data.images.data.subarray(row * len, (row + 1) * len);
      const e = pixelErrors(input, recon.subarray(at * len, (at + 1) * len));
      for (let p = 0; p < px; p++) err[p] += e[p] / rows.length;
      for (let k = 0; k < len; k++) img[k] += input[k] / rows.length;
    });
    return { err, img };
  };
  const f = await meanOf(flaggedRows);
  const k = await meanOf(keptRows);
  const errorContrast = f.err.map((v, p) => v - k.err[p]);
  const meanDiff = f.img.map((v, i) => v - k.img[i]);
  const w = Math.min(4, size);
  let best = -Infinity;
  let hotspot = { x: 0, y: 0, size: w };
  for (let y = 0; y + w <= size; y++) {
    for (let x = 0; x + w <= size; x++) {
      let s = 0;
      for (let dy = 0; dy < w; dy++) for (let dx = 0; dx < w; dx++) s += errorContrast[(y + dy) * size + x + dx];
      if (s > best) {
        best = s;
        hotspot = { x, y, size: w };
      }
    }
  }
  return { size, flaggedCount: flaggedRows.length, keptCount: keptRows.length, flaggedError: f.err, keptError: k.err, errorContrast, meanDiff, hotspot };
}
