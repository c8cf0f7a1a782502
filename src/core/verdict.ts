/**
 * The verdict beside the witnesses: which witness flagged each image, how many false alarms the
 * calibrated rule expects, each witness's own metrics with labels, and the families of nearly
 * coinciding embeddings among the flagged images. Knows no witness's insides (witnesses.ts).
 */
import type { ThresholdRule } from './options';
import type { Embeddings } from './types';
import type { LabelledSubset } from './scanMetrics';
import { auroc, tprAtFpr } from './metrics';
import { embeddingFamilies, familyCosFor } from './density';
import { NULL_TAIL, WITNESS_LABELS, tailExcess, type WitnessName, type WitnessSet } from './witnesses';

/**
 * How far beyond its own clean tail (witnesses.ts NULL_TAIL) the speaking witness must reach
 * before the folder is said to show backdoor evidence: one point, the whole nominal tail of
 * the gate again. Between the clean tail and this margin the call is borderline. Measured
 * (README "Is there a backdoor at all?"): every backdoored fixture's speaker at 10% poisoned
 * was +3.0 points or more, at 5% +1.2 or more; folders without poison at most +0.0 (by
 * construction: NULL_TAIL is their maximum, so held-back folders are the real test).
 */
export const EXCESS_MARGIN = 0.01;

export type FolderEvidence = 'excess' | 'borderline' | 'none';

export interface FolderCall {
  level: FolderEvidence;
  witness: WitnessName;
  tailShare: number;
  /** The speaking witness's NULL_TAIL: the most it showed on folders without poison. */
  cleanTail: number;
}

/**
 * The folder-level call, without labels: does the speaking witness (the voter whose tail most
 * exceeds its own clean tail) hold more images in its upper tail than folders without poison
 * were measured to? Null when no witness is calibrated (the raw score).
 */
export function folderEvidence(witnesses: { name: WitnessName; votes: boolean; tailShare: number | null }[]): FolderCall | null {
  const voters = witnesses.filter((w): w is { name: WitnessName; votes: boolean; tailShare: number } => w.votes && w.tailShare !== null);
  if (voters.length === 0) return null;
  const top = voters.reduce((a, b) => (tailExcess(b) > tailExcess(a) ? b : a));
  const over = tailExcess(top);
  const level = over >= EXCESS_MARGIN - 1e-9 ? 'excess' : over > 0 ? 'borderline' : 'none';
  return { level, witness: top.name, tailShare: top.tailShare, cleanTail: NULL_TAIL[top.name] };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** One wording of the folder-level call for the CLI, the report and the app. */
export function evidenceSentence(e: FolderCall): string {
  const tail = `${pct(e.tailShare)} of images lie above z(1%) for ${WITNESS_LABELS[e.witness]}`;
  const clean = `folders without poison showed up to ${pct(e.cleanTail)}`;
  if (e.level === 'excess') return `Backdoor evidence: ${tail}; ${clean} (measured). The flagged images are the suspects.`;
  if (e.level === 'borderline') return `Borderline: ${tail}, just above the most folders without poison showed (${pct(e.cleanTail)}). Inspect the flagged images before acting.`;
  return `No excess: ${tail}; ${clean}. This scan alone does not show a backdoor, but it does not clear the encoder either: a poison rate near 1% looked the same (README).`;
}

/**
 * The false alarms the tail rule expects, in words: the bulk fit's nominal count, and what
 * clean folders really got (one wording for the CLI, the report and the app).
 */
export function falseAlarmSentence(expected: number): string {
  return `the bulk fit expects about ${expected.toFixed(1)} false alarm(s) on a folder of this size without poison; folders without poison got 2-8 times that (README)`;
}

/** Flagged images searched for families at most (the pairwise search is quadratic). */
const FAMILY_CAP = 2000;

export interface WitnessReport {
  name: WitnessName;
  /** The witness's own score per image (higher = more suspicious). */
  score: Float32Array;
  /** Its calibrated robust z per image. */
  z: Float32Array;
  /** Bulk fit on the calibration scale (median, sigma). */
  fit: { median: number; sigma: number };
  /** Images this witness flagged (its z above the cut); null when the score is not calibrated. */
  flagged: number | null;
  /** Whether it took part in the verdict (witnesses.ts tail gate), and its share above z(0.01). */
  votes: boolean;
  tailShare: number | null;
  /** The witness whose heavier tail took this one's vote (combine: 'heaviest'), else null. */
  outvotedBy: WitnessName | null;
  /** DeDe only: the decoder power when below the vote's minimum (it then does not vote), else null. */
  lowPower: number | null;
  /** With labels: AUROC and TPR at 5% FPR of this witness alone. */
  auroc: number | null;
  tprAt5Fpr: number | null;
}

export interface WitnessVerdict {
  witnesses: WitnessReport[];
  /** Per image, the witnesses whose calibrated z passed the threshold (empty when not flagged). */
  flaggedBy: WitnessName[][];
  /**
   * With the tail rule: the nominal false alarms on a folder without poison, alpha x images x
   * witnesses (each witness may raise its own); the measured rate on the fixtures is higher.
   */
  expectedFalseAlarms: number | null;
  /** Groups (rows, >= 2) of flagged images whose embeddings nearly coincide, largest first. */
  families: number[][];
  /** The cosine that links a family on this folder (density.ts familyCosFor); null without embeddings. */
  familyCos: number | null;
  /** With labels: AUROC of the paper's raw DeDe error, the control beside the default score. */
  rawAuroc: number | null;
  /** The folder-level call (folderEvidence); null with the raw score. */
  backdoorEvidence: FolderCall | null;
}

/** The verdict's extras for flags `flagged` at `threshold` on `ws.score`. */
export function witnessVerdict(
  ws: WitnessSet,
  flagged: boolean[],
  threshold: number,
  rule: ThresholdRule,
  subset: LabelledSubset | null,
  /** For the families; null leaves them out (the app computes them in its worker). */
  emb: Embeddings | null,
): WitnessVerdict {
  const n = flagged.length;
  const flaggedBy: WitnessName[][] = flagged.map((f, i) =>
    !f ? [] : ws.calibrated ? ws.witnesses.filter((w) => w.votes !== false && w.z[i] > threshold).map((w) => w.name) : ['dede'],
  );
  const labelled = subset && subset.labels.some((l) => l === 1) && subset.labels.some((l) => l === 0) ? subset : null;
  const witnesses = ws.witnesses.map((w): WitnessReport => {
    const sub = labelled ? Float64Array.from(labelled.index, (i) => w.score[i]) : null;
    return {
      name: w.name,
      score: w.score,
      z: w.z,
      fit: w.fit,
      votes: w.votes !== false,
      tailShare: w.tailShare ?? null,
      outvotedBy: w.outvotedBy ?? null,
      lowPower: w.lowPower ?? null,
      flagged: ws.calibrated ? flaggedBy.filter((by) => by.includes(w.name)).length : null,
      auroc: sub && labelled ? auroc(sub, labelled.labels) : null,
      tprAt5Fpr: sub && labelled ? tprAtFpr(sub, labelled.labels, 0.05) : null,
    };
  });
  const rows = flagged.flatMap((f, i) => (f ? [i] : [])).slice(0, FAMILY_CAP);
  const familyCos = emb && rows.length >= 2 ? familyCosFor(emb) : null;
  return {
    witnesses,
    flaggedBy,
    expectedFalseAlarms: rule.kind === 'tail' ? rule.alpha * n * (ws.calibrated ? Math.max(1, ws.witnesses.filter((w) => w.votes !== false).length) : 1) : null,
    families: emb && familyCos !== null ? embeddingFamilies(emb, rows, familyCos) : [],
    familyCos,
    rawAuroc: labelled ? auroc(Float64Array.from(labelled.index, (i) => ws.raw[i]), labelled.labels) : null,
    backdoorEvidence: ws.calibrated ? folderEvidence(witnesses) : null,
  };
}
