/**
 * The witnesses of a scan and the verdict that combines them. Each witness turns the trained
 * decoders and the embeddings into one score per image (higher = more suspicious) and a
 * calibrated robust z of it (calibrate.ts); the witnesses know nothing of each other.
 *
 * - `dede`: DeDe's rebuild error, counterfactual by default (counterfactual.ts) or the paper's
 *   raw sum of squared error (`kind: 'raw'`), calibrated on its log.
 * - `density`: similarity to the k-th nearest other embedding (density.ts), calibrated on
 *   log(2 / cosine distance).
 * (A Box-Cox scale chosen to make each bulk symmetric was tried and dropped: with lambda < 0 it
 * bounds the upper tail, and the patch fixture's triggered images never passed the cut.)
 *
 * The combined score is the largest z over the voting witnesses (pyod's "maximization"), so a
 * weak witness never drowns a strong one; an image is flagged when the combined score passes the
 * threshold, which is when at least one voting witness's z does, and `flaggedBy` says which.
 * A witness votes unless its upper tail is lighter than its own bulk fit predicts (fewer than
 * TAIL_GATE_ALPHA x n images above z(TAIL_GATE_ALPHA)): such a witness holds no excess of
 * suspicious images, only noise that would outrank the other witness's evidence in the max.
 * A DRUPE-style backdoor does exactly this to the neighbourhood witness (its triggered
 * embeddings are spread out, so none stand out as dense): there it has no image above z(0.01),
 * and the max over both witnesses ranked the backdoor at AUROC 0.640 where DeDe alone gets
 * 0.719 (README "Detection"). Clean folders keep both witnesses (their tails are heavier than
 * the fit, not lighter). When no witness votes, all do. With the raw score and one witness the score column is the raw error
 * itself, exactly as the paper ranks.
 */
import type { ScoreOptions } from './options';
import type { TrainData } from './model';
import { scoreWithSet, type DecoderSet } from './decoderSet';
import type { JobHooks } from './progress';
import { counterfactualScores } from './counterfactual';
import { DEFAULT_DENSITY, neighbourSimilarity } from './density';
import { robustZ, tailZ, type RobustFit } from './calibrate';

export type WitnessName = 'dede' | 'density';

export const WITNESS_LABELS: Record<WitnessName, string> = {
  dede: 'DeDe rebuild',
  density: 'Embedding neighbours',
};

/** Screening rate of the tail gate: a witness votes when at least this share of images passes z(rate). */
export const TAIL_GATE_ALPHA = 0.01;

export interface Witness {
  name: WitnessName;
  /** The witness's own score per image (higher = more suspicious). */
  score: Float32Array;
  /** Robust z of the score on the witness's calibration scale. */
  z: Float32Array;
  fit: RobustFit;
  /** Share of images above z(TAIL_GATE_ALPHA) (the bulk fit predicts TAIL_GATE_ALPHA). */
  tailShare: number;
  /** Whether it takes part in the combined score (see the file comment). */
  votes: boolean;
}

export interface WitnessSet {
  witnesses: Witness[];
  /** The one ranking column: max z over witnesses, or the raw error with `kind: 'raw'`. */
  score: Float32Array;
  /** True when `score` is in calibrated z units (the tail rule then reads it directly). */
  calibrated: boolean;
  /** Raw DeDe error per image (the paper's score), always computed. */
  raw: Float32Array;
  /** The donor whose embedding rebuilt each image best (counterfactual score only), else null. */
  bestDonor: Int32Array | null;
}

/** Errors and ratios: their log (positive, right-skewed). */
const logScale = (v: number) => Math.log(Math.max(v, 1e-12));
/** Similarity -> log(2 / cosine distance), larger for closer neighbours. */
const closeness = (sim: number) => Math.log(2 / Math.max(1 - sim, 1e-6));

function witness(name: WitnessName, score: Float32Array, scale: (v: number) => number): Witness {
  const { z, fit } = robustZ(Float64Array.from(score, scale));
  const cut = tailZ(TAIL_GATE_ALPHA);
  let above = 0;
  for (const v of z) if (v > cut) above++;
  return { name, score, z, fit, tailShare: z.length ? above / z.length : 0, votes: true };
}

/** Marks which witnesses vote (the tail gate); all of them when none would. */
export function gateWitnesses(witnesses: Witness[]): void {
  for (const w of witnesses) w.votes = w.tailShare >= TAIL_GATE_ALPHA;
  if (!witnesses.some((w) => w.votes)) for (const w of witnesses) w.votes = true;
}

/**
 * Every witness `score.witnesses` names, for the rows of `data`. `raw` is scoreWithSet's output
 * for the same set, data and options, or null to have it computed here: with the default
 * counterfactual score it comes from the rebuilds the donors use, saving a whole scoring pass.
 */
export async function computeWitnesses(
  set: DecoderSet,
  data: TrainData,
  rawGiven: Float32Array | null,
  score: ScoreOptions & { seed: number },
  hooks: JobHooks = {},
): Promise<WitnessSet> {
  const witnesses: Witness[] = [];
  let bestDonor: Int32Array | null = null;
  let raw = rawGiven;
  const counterfactual = score.kind !== 'raw' && score.witnesses.includes('dede');
  if (!raw && !counterfactual) raw = await scoreWithSet(set, data, score, hooks);
  for (const name of score.witnesses) {
    if (name === 'dede') {
      if (score.kind === 'raw') {
        witnesses.push(witness('dede', raw!, logScale));
      } else {
        const cf = await counterfactualScores(set, data, raw, score, { draws: score.draws, statistic: score.statistic }, hooks);
        raw = cf.own;
        bestDonor = cf.bestDonor;
        witnesses.push(witness('dede', cf.ratio, logScale));
      }
    } else {
      witnesses.push(witness('density', neighbourSimilarity(data.emb, DEFAULT_DENSITY, score.seed), closeness));
    }
  }
  if (witnesses.length === 0) throw new Error('no witness selected: use dede, density or both');
  const rawOnly = score.kind === 'raw' && witnesses.length === 1 && witnesses[0].name === 'dede';
  if (!rawOnly) gateWitnesses(witnesses);
  const combined = rawOnly ? raw! : maxZ(witnesses.filter((w) => w.votes));
  return { witnesses, score: combined, calibrated: !rawOnly, raw: raw!, bestDonor };
}

/** Largest z over the witnesses, per image. */
export function maxZ(witnesses: Witness[]): Float32Array {
  const n = witnesses[0].z.length;
  const out = new Float32Array(n).fill(-Infinity);
  for (const w of witnesses) for (let i = 0; i < n; i++) out[i] = Math.max(out[i], w.z[i]);
  return out;
}
