/**
 * Decoder power without ground truth. A backdoor makes a triggered image embed like some other
 * image (the target). Swapping each image's embedding for a random other image's embedding
 * simulates exactly that; if the decoder rebuilds swapped pairs clearly worse than own pairs,
 * it can expose a backdoor on this data. Power = AUROC(swapped scores vs own scores).
 */
import { DedeModel, scoreImages, type TrainData } from './model';
import type { MaskScoring } from './model/score';
import { decoderForRow, type DecoderSet } from './decoderSet';
import { Rng } from './model/rng';
import { gatherRows } from './model/batch';
import { auroc } from './metrics';
import { EtaClock, type JobHooks } from './progress';

/**
 * Below this power the decoder is unlikely to separate triggered images well. On the demo
 * fixture, power 0.50 (1 epoch) came with detection AUROC 0.82 and power 0.76 (the defaults)
 * with AUROC 0.96: swapped pairs of the same class look alike, so power reads lower than AUROC.
 */
export const LOW_POWER = 0.7;

/** Random stream key for the power slice (apart from the model streams 1..5 and the fold split, 101). */
const POWER_STREAM = 103;

export interface PowerOptions {
  /** Share of the images scored (default 0.1) ... */
  fraction: number;
  /** ... but at least this many (default 200) ... */
  min: number;
  /** ... and at most this many (default 500), to bound the time on large folders. */
  max: number;
}

/** At least 200 images (all of a smaller folder): the stopping rule and the vote gate read it to 0.01. */
export const DEFAULT_POWER: PowerOptions = { fraction: 0.1, min: 200, max: 500 };

export interface DecoderPower {
  /** AUROC of swapped-embedding scores (positives) against own-embedding scores. */
  auroc: number;
  /** Images in the slice. */
  slice: number;
  /** True when the slice was not used to train the decoder (an auxiliary set trained it). */
  heldOut: boolean;
  /** Plain-words warning when the power is low, else null. */
  warning: string | null;
}

/** Slice size for n images: clamp(ceil(fraction * n), min, max), never more than n. */
export function powerSliceSize(n: number, opts: PowerOptions = DEFAULT_POWER): number {
  return Math.min(n, Math.max(opts.min, Math.min(opts.max, Math.ceil(opts.fraction * n))));
}

/** A single decoder, or a cross-fitted set (each row then uses the decoder that never saw it). */
export type PowerDecoders = DedeModel | DecoderSet;

function decoderIndex(decoders: PowerDecoders, row: number): number {
  return decoders instanceof DedeModel ? 0 : decoderForRow(decoders, row).f;
}

function decoderModel(decoders: PowerDecoders, f: number): DedeModel {
  return decoders instanceof DedeModel ? decoders : decoders.states[f].model;
}

/**
 * Scores a random slice of `data` twice, with own and with a random other image's embedding
 * (same masks for both), and returns AUROC(swapped vs own). Null when there are < 2 images.
 * `heldOut` says the decoder did not train on `data` (a cross-fitted set always holds out).
 */
export async function decoderPower(
  decoders: PowerDecoders,
  data: TrainData,
  score: MaskScoring,
  heldOut: boolean,
  hooks: JobHooks = {},
  opts: PowerOptions = DEFAULT_POWER,
): Promise<DecoderPower | null> {
  const n = data.images.count;
  if (n < 2) return null;
  const m = powerSliceSize(n, opts);
  const rng = Rng.derive(score.seed, POWER_STREAM);
  const slice = Array.from(rng.permutation(n).subarray(0, m));
  // A donor uniform over the other n-1 images: draw from n-1 and skip over i itself.
  const donors = slice.map((i) => {
    const j = rng.int(n - 1);
    return j >= i ? j + 1 : j;
  });

  // Group slice positions by the decoder that scores them.
  const groups = new Map<number, number[]>();
  slice.forEach((row, k) => {
    const f = decoderIndex(decoders, row);
    groups.set(f, [...(groups.get(f) ?? []), k]);
  });

  const s = data.images.size;
  const dim = data.emb.dim;
  const own = new Float32Array(m);
  const swapped = new Float32Array(m);
  const clock = new EtaClock(2 * m);
  let done = 0;
  for (const [f, positions] of [...groups].sort((a, b) => a[0] - b[0])) {
    const rows = positions.map((k) => slice[k]);
    const images = { count: rows.length, size: s, data: gatherRows(data.images.data, s * s * 3, rows) };
    const ownData: TrainData = { images, emb: { count: rows.length, dim, data: gatherRows(data.emb.data, dim, rows) } };
    const donorRows = positions.map((k) => donors[k]);
    const swappedData: TrainData = { images, emb: { count: rows.length, dim, data: gatherRows(data.emb.data, dim, donorRows) } };
    for (const [target, part] of [
      [own, ownData],
      [swapped, swappedData],
    ] as const) {
      const base = done;
      // Own and swapped parts are indexed alike (0..g-1), so they get the same masks.
      const values = await scoreImages(decoderModel(decoders, f), part, score, {
        shouldStop: hooks.shouldStop,
        onProgress: (p) => {
          const d = base + p.done;
          hooks.onProgress?.({ phase: 'power', done: d, total: 2 * m, etaSeconds: clock.eta(d) });
        },
      });
      positions.forEach((k, i) => (target[k] = values[i]));
      done += rows.length;
    }
  }

  const scores = new Float32Array(2 * m);
  scores.set(own, 0);
  scores.set(swapped, m);
  const labels = new Uint8Array(2 * m);
  labels.fill(1, m);
  const value = auroc(scores, labels);
  const warning =
    value < LOW_POWER
      ? `decoder power is low (AUROC ${value.toFixed(3)} of swapped vs own embeddings on ${m} images): it may miss backdoored images; train longer, use the paper preset or more training images`
      : null;
  const crossFitted = !(decoders instanceof DedeModel) && decoders.parts !== null;
  return { auroc: value, slice: m, heldOut: heldOut || crossFitted, warning };
}
