/**
 * The witnesses of a scan and the verdict that combines them. Each witness turns the trained
 * decoders and the embeddings into one score per image (higher = more suspicious) and a
 * calibrated robust z of it (calibrate.ts); the witnesses know nothing of each other.
 *
 * - `dede`: DeDe's rebuild error, counterfactual by default (counterfactual.ts) or the paper's
 *   raw sum of squared error (`kind: 'raw'`), calibrated on its log.
 * - `density`: similarity to the k-th nearest other embedding (density.ts), calibrated on
 *   log(2 / cosine distance).
 * - `lookalike`: how unlike an image its embedding neighbours look, against the best its pixel
 *   neighbours do (lookalike.ts), calibrated on its log.
 * (A Box-Cox scale chosen to make each bulk symmetric was tried and dropped: with lambda < 0 it
 * bounds the upper tail, and the patch fixture's triggered images never passed the cut.)
 *
 * A witness votes unless its upper tail is lighter than its own bulk fit predicts (fewer than
 * TAIL_GATE_ALPHA x n images above z(TAIL_GATE_ALPHA)): such a witness holds no excess of
 * suspicious images, only noise. A DRUPE-style backdoor does exactly this to the neighbourhood
 * witness (its triggered embeddings are spread out, so none stand out as dense). When no
 * witness passes the gate, all do. DeDe's witness also needs a mature decoder: when the
 * held-out decoder power (power.ts) is below MATURE_POWER (options.ts) it does not vote.
 * Measured: trained 4 epochs instead of 12, its power was 0.64 and its score's upper tail heavy
 * on clean images too (11.2% above z(1%) on the DRUPE-style control), which took the verdict and
 * flagged 9.8% of a control; per epoch on six clean folders, that tail stays above DeDe's clean
 * maximum up to power 0.85 (two seeds; README "A label-free stopping rule").
 *
 * The combined score, `combine`:
 * - 'join' (default since stop 22): the 'excess' speaker below, joined by every other voter whose
 *   excess over its own NULL_TAIL is positive and at least JOIN_SHARE of the speaker's; the
 *   score is the largest z over them. Two witnesses that both show a clear excess of suspicious
 *   images each find part of the triggered set, so the verdict takes both; a witness whose
 *   excess is small beside the speaker's (or none) stays out with its false alarms. Measured
 *   (README "An auxiliary clean folder"): identical to 'excess' on every default scan of the
 *   bundled fixtures and controls (two seeds, four poison rates), and better wherever it differs:
 *   with an auxiliary clean folder DeDe's witness (0.941 / 0.956) joins the look-alike one on
 *   DRUPE-style (0.972 -> 0.982) and CTRL-style (0.943 -> 0.970); CTRL-style at 5% poisoned
 *   0.936 -> 0.945.
 * - 'excess': only the voter whose tail share exceeds its own NULL_TAIL (the most it
 *   showed on folders without poison) by the most speaks; its z is the score. A bulk fit is only
 *   a model of the bulk, and each witness's clean tail is heavier than it predicts by its own
 *   amount, so tails are compared beyond each witness's measured clean tail, not raw. Measured
 *   (README "Detection"): it gives what 'heaviest' gives on every 10%-poisoned fixture at seed 0,
 *   and takes the verdict back from a noisier witness where 'heaviest' handed it over on tail
 *   noise (DRUPE-style at 5% poisoned: DeDe 5.6% against look-alike 5.5%, verdict 0.865; here
 *   look-alike, 0.970; CTRL-style at seed 1: 0.875 against 0.943).
 * - 'heaviest': only the voter with the heaviest upper tail (largest share above
 *   z(TAIL_GATE_ALPHA), i.e. the largest excess of suspicious images) speaks; its z is the
 *   score. Measured on every fixture (README "Detection"), the max below lets a weaker witness's
 *   tail in: DRUPE-style 0.953 under max against 0.972 from the look-alike witness it follows,
 *   and each extra voter adds its own false alarms (blended control 3.3% flagged under max,
 *   1.5% here; patch control 4.1% against 1.9%). On a clean folder it is the witness with the
 *   noisiest tail, so its false alarms are one witness's, not the sum.
 * - 'max': the largest z over the voters (pyod's "maximization").
 * An image is flagged when the combined score passes the threshold, and `flaggedBy` says which
 * voting witness's z did. With the raw score and one witness the score column is the raw error
 * itself, exactly as the paper ranks.
 */
import type { ScoreOptions } from './options';
import type { TrainData } from './model';
import { scoreWithSet, type DecoderSet } from './decoderSet';
import type { JobHooks } from './progress';
import { counterfactualScores } from './counterfactual';
import { DEFAULT_DENSITY, neighbourSimilarity } from './density';
import { DEFAULT_LOOKALIKE, lookalikeScores } from './lookalike';
import { MATURE_POWER } from './options';
import { closeness, logScale, robustZ, tailZ, type RobustFit } from './calibrate';

export type WitnessName = 'dede' | 'density' | 'lookalike';

/** Every witness, in the order the score columns list them. */
export const WITNESS_NAMES: readonly WitnessName[] = ['dede', 'density', 'lookalike'];

export const WITNESS_LABELS: Record<WitnessName, string> = {
  dede: 'DeDe rebuild',
  density: 'Embedding neighbours',
  lookalike: 'Look-alike neighbours',
};

/**
 * Why a witness does not vote, in words (one wording for the CLI, the report and the app), or
 * null when it votes.
 */
export function notVotingReason(w: { name: WitnessName; votes: boolean; tailShare: number | null; outvotedBy?: WitnessName | null; lowPower?: number | null }): string | null {
  if (w.votes) return null;
  if (w.lowPower != null) return `not voting: the decoder's held-out power is ${w.lowPower.toFixed(3)} (< ${MATURE_POWER}); below that DeDe's score has a heavy tail on clean folders too; train it on a clean folder of the same kind as these images (auxiliary folder, --aux), or longer`;
  if (w.outvotedBy) return `not voting: ${WITNESS_LABELS[w.outvotedBy]} has the larger excess upper tail (this one: ${(100 * (w.tailShare ?? 0)).toFixed(1)}% of images above z(1%); folders without poison: up to ${(100 * NULL_TAIL[w.name]).toFixed(1)}%)`;
  return `not voting: ${(100 * (w.tailShare ?? 0)).toFixed(1)}% of images above z(1%), no excess over its bulk fit`;
}

/** Screening rate of the tail gate: a witness votes when at least this share of images passes z(rate). */
export const TAIL_GATE_ALPHA = 0.01;

/**
 * The largest share of images above z(TAIL_GATE_ALPHA) each witness showed on folders without
 * poison, at `dede scan` defaults (README "Is there a backdoor at all?"): the clean-encoder
 * controls of every fixture (seeds 0 and 1 on the emoji one) and clean folders of 400 to 50,000
 * images. The bulk fit predicts 1%; every witness's clean tail is heavier, each by its own amount.
 * DeDe 5.2% (emoji control, seed 1), neighbours 4.3% (emoji control: skin-tone near-duplicates),
 * look-alike 3.4% (emoji control; 2.9% on 50,000 clean Fashion-MNIST images).
 */
export const NULL_TAIL: Record<WitnessName, number> = { dede: 0.052, density: 0.043, lookalike: 0.034 };

/** A witness's tail share beyond the most it showed on folders without poison (NULL_TAIL). */
export const tailExcess = (w: { name: WitnessName; tailShare: number }) => w.tailShare - NULL_TAIL[w.name];

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
  /** With `combine: 'join'`, 'excess' or 'heaviest': the witness that took this one's vote, else null. */
  outvotedBy?: WitnessName | null;
  /** DeDe only: the decoder power when it is below MATURE_POWER (the witness then does not vote), else null. */
  lowPower?: number | null;
}

/** How the voting witnesses are combined (ScoreOptions.combine). */
export type Combine = 'max' | 'heaviest' | 'excess' | 'join';

/** With `combine: 'join'`, a voter joins the speaker when its tail excess is at least this share of the speaker's. */
export const JOIN_SHARE = 0.5;

export interface WitnessSet {
  witnesses: Witness[];
  /** The one ranking column: the voting witnesses' combined z (`combine`), or the raw error with `kind: 'raw'`. */
  score: Float32Array;
  /** True when `score` is in calibrated z units (the tail rule then reads it directly). */
  calibrated: boolean;
  /** Raw DeDe error per image (the paper's score), always computed. */
  raw: Float32Array;
  /** The donor whose embedding rebuilt each image best (counterfactual score only), else null. */
  bestDonor: Int32Array | null;
}

function witness(name: WitnessName, score: Float32Array, scale: (v: number) => number): Witness {
  const { z, fit } = robustZ(Float64Array.from(score, scale));
  const cut = tailZ(TAIL_GATE_ALPHA);
  let above = 0;
  for (const v of z) if (v > cut) above++;
  return { name, score, z, fit, tailShare: z.length ? above / z.length : 0, votes: true, outvotedBy: null, lowPower: null };
}

/**
 * Marks which witnesses vote: the tail gate (all of them when none would pass it), then, with
 * `combine: 'excess'`, only the voter with the largest tailExcess, with 'join' that one and every
 * voter with a positive tailExcess of at least JOIN_SHARE of its, with 'heaviest' only the one
 * with the heaviest upper tail (the others are marked `outvotedBy` it; ties go to the first listed).
 */
export function gateWitnesses(witnesses: Witness[], combine: Combine = 'max'): void {
  const able = witnesses.filter((w) => w.lowPower == null);
  const pool = able.length > 0 ? able : witnesses;
  for (const w of witnesses) {
    w.votes = pool.includes(w) && w.tailShare >= TAIL_GATE_ALPHA;
    w.outvotedBy = null;
  }
  if (!witnesses.some((w) => w.votes)) for (const w of pool) w.votes = true;
  if (combine !== 'max') {
    const key = combine === 'heaviest' ? (w: Witness) => w.tailShare : tailExcess;
    const voters = witnesses.filter((w) => w.votes);
    const top = voters.reduce((a, b) => (key(b) > key(a) ? b : a));
    const joins = (w: Witness) => combine === 'join' && tailExcess(w) > 0 && tailExcess(w) >= JOIN_SHARE * tailExcess(top);
    for (const w of voters) {
      if (w === top || joins(w)) continue;
      w.votes = false;
      w.outvotedBy = top.name;
    }
  }
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
  /** The decoders' power (power.ts) when measured: below MATURE_POWER, DeDe's witness does not vote. */
  decoderPower: number | null = null,
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
    } else if (name === 'density') {
      witnesses.push(witness('density', await neighbourSimilarity(data.emb, DEFAULT_DENSITY, score.seed, hooks), closeness));
    } else {
      witnesses.push(witness('lookalike', await lookalikeScores(data.images, data.emb, DEFAULT_LOOKALIKE, score.seed, hooks), logScale));
    }
  }
  if (witnesses.length === 0) throw new Error(`no witness selected: use one or more of ${WITNESS_NAMES.join(', ')}`);
  const rawOnly = score.kind === 'raw' && witnesses.length === 1 && witnesses[0].name === 'dede';
  const dede = witnesses.find((w) => w.name === 'dede');
  if (dede && decoderPower !== null && decoderPower < MATURE_POWER) dede.lowPower = decoderPower;
  if (!rawOnly) gateWitnesses(witnesses, score.combine);
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
