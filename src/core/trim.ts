/**
 * Trimmed training ("--trim"): keep the decoder-free witnesses' top suspects out of the
 * decoders' training, still scoring them. Measured at stop 20 (README "Is there a backdoor at
 * all?"): DeDe's counterfactual witness is much stronger on folders with fewer poisoned images
 * (DRUPE-style 0.72 / 0.87 / 0.90 at 10 / 5 / 1% poisoned), because decoders trained on the
 * suspect folder learn to rebuild its triggered images from the target's embeddings, which is
 * the very mapping the score looks for. Cross-fitting keeps an image out of its own decoder,
 * not its triggered siblings; this keeps out the images the neighbour and look-alike witnesses
 * already find most suspicious, so the decoders see fewer of them. Every image is still scored
 * by a decoder that did not train on it. A deviation from the authors' training set (DEDE.md
 * trains on the whole suspect folder): off in the paper preset, the default set by measurement.
 */
import type { TrainData } from './model';
import { closeness, logScale, robustZ, tailZ } from './calibrate';
import { DEFAULT_DENSITY, neighbourSimilarity } from './density';
import { DEFAULT_LOOKALIKE, lookalikeScores } from './lookalike';
import type { JobHooks } from './progress';

/** 'tail': the rows above z(TRIM_TAIL_ALPHA) of either decoder-free witness, at most TRIM_TAIL_CAP of them. */
export type TrimSetting = number | 'tail';
export const TRIM_TAIL_ALPHA = 0.01;
export const TRIM_TAIL_CAP = 0.2;

/**
 * Per row, the larger robust z of the two decoder-free witnesses (neighbours, look-alike),
 * each calibrated on its own scale exactly as witnesses.ts calibrates it.
 */
export async function decoderFreeSuspicion(data: TrainData, seed: number, hooks: JobHooks = {}): Promise<Float32Array> {
  const density = robustZ(Float64Array.from(await neighbourSimilarity(data.emb, DEFAULT_DENSITY, seed, hooks), closeness)).z;
  const look = robustZ(Float64Array.from(await lookalikeScores(data.images, data.emb, DEFAULT_LOOKALIKE, seed, hooks), logScale)).z;
  return density.map((v, i) => Math.max(v, look[i]));
}

/**
 * The rows to keep out of training: a share `trim` of the rows with the highest suspicion, or
 * with 'tail' those above z(TRIM_TAIL_ALPHA) (capped); ties broken by row, sorted ascending,
 * none at 0. Deterministic for the same data and seed. Computes the decoder-free witnesses once
 * more than the scan's scoring does; with trimming off (the default) nothing runs.
 */
export function trimmedRows(suspicion: ArrayLike<number>, trim: TrimSetting): number[] {
  if (trim !== 'tail' && !(trim >= 0 && trim < 1)) throw new Error(`trim must be a share in [0, 1) or 'tail', got ${trim}`);
  const n = suspicion.length;
  let count: number;
  if (trim === 'tail') {
    // Adaptive: a folder whose decoder-free witnesses show no excess loses about 1-3% of its rows.
    const cut = tailZ(TRIM_TAIL_ALPHA);
    let above = 0;
    for (let i = 0; i < n; i++) if (suspicion[i] > cut) above++;
    count = Math.min(above, Math.floor(TRIM_TAIL_CAP * n));
  } else count = Math.floor(trim * n);
  if (count === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => suspicion[b] - suspicion[a] || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}
