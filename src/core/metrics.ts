/**
 * Detection metrics against ground truth, label 1 = poisoned (the positive class), higher
 * score = more suspicious, flagged = score > threshold (see threshold.ts). Tied scores are
 * handled as one step (average rank / trapezoid), as scikit-learn does.
 */
import { checkLabels, sortedScores } from './threshold';

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Flagging `score > threshold` gives exactly this point (-Infinity flags everything). */
  threshold: number;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** tp / (tp + fn), 0 when there are no positives. */
  tpr: number;
  /** fp / (fp + tn), 0 when there are no negatives. */
  fpr: number;
  /** tp / (tp + fp), 0 when nothing is flagged. */
  precision: number;
}

/** Distinct scores, highest first, with how many positives / negatives share each. */
function groups(scores: ArrayLike<number>, labels: ArrayLike<number>) {
  const positives = checkLabels(scores, labels);
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0)
    throw new Error('metrics need both poisoned (1) and clean (0) labels among the scored images');
  sortedScores(scores); // validates: finite and non-empty
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const out: { score: number; pos: number; neg: number }[] = [];
  for (const i of order) {
    const last = out[out.length - 1];
    const g = last && last.score === scores[i] ? last : out[out.push({ score: scores[i], pos: 0, neg: 0 }) - 1];
    if (labels[i] === 1) g.pos++;
    else g.neg++;
  }
  return { out, positives, negatives };
}

/** Area under the ROC curve = P(score of a poisoned > score of a clean) + 0.5 P(tie) (Mann-Whitney U / (n1 n0)). */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { out, positives, negatives } = groups(scores, labels);
  // Walking from the top: each clean image beats the positives below it; ties count half.
  let wins = 0;
  let posAbove = 0;
  for (const g of out) {
    wins += g.neg * (posAbove + g.pos / 2);
    posAbove += g.pos;
  }
  return wins / (positives * negatives);
}

/** Average precision = sum over distinct thresholds of (R_k - R_{k-1}) * P_k (scikit-learn's average_precision_score). */
export function auprc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { out, positives } = groups(scores, labels);
  let tp = 0;
  let flagged = 0;
  let ap = 0;
  for (const g of out) {
    tp += g.pos;
    flagged += g.pos + g.neg;
    ap += (g.pos / positives) * (tp / flagged);
  }
  return ap;
}

/** ROC vertices from (0,0) (threshold = max score) to (1,1) (threshold = -Infinity), one per distinct score. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  const { out, positives, negatives } = groups(scores, labels);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: out[0].score }];
  let tp = 0;
  let fp = 0;
  out.forEach((g, k) => {
    tp += g.pos;
    fp += g.neg;
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold: k + 1 < out.length ? out[k + 1].score : -Infinity });
  });
  return points;
}

/** Highest TPR among ROC vertices with FPR <= maxFpr (a threshold that can actually be set; no interpolation). */
export function tprAtFpr(scores: ArrayLike<number>, labels: ArrayLike<number>, maxFpr: number): number {
  let best = 0;
  for (const p of rocCurve(scores, labels)) if (p.fpr <= maxFpr + 1e-12 && p.tpr > best) best = p.tpr;
  return best;
}

/** Counts and rates when flagging score > threshold, positives being label 1. */
export function confusion(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Confusion {
  checkLabels(scores, labels);
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] > threshold;
    if (labels[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return { tp, fp, tn, fn, tpr: ratio(tp, tp + fn), fpr: ratio(fp, fp + tn), precision: ratio(tp, tp + fp) };
}

export interface LabelMetrics {
  auroc: number;
  auprc: number;
  tprAt1Fpr: number;
  tprAt5Fpr: number;
  confusion: Confusion;
}

/** Every metric the CLI's --json and the app report: AUROC, AUPRC, TPR at 1% and 5% FPR, confusion at `threshold`. */
export function labelMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): LabelMetrics {
  return {
    auroc: auroc(scores, labels),
    auprc: auprc(scores, labels),
    tprAt1Fpr: tprAtFpr(scores, labels, 0.01),
    tprAt5Fpr: tprAtFpr(scores, labels, 0.05),
    confusion: confusion(scores, labels, threshold),
  };
}
