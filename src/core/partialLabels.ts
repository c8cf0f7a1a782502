/**
 * Labels as they come: the analyst's manual verdicts (poisoned / clean overrides) read as partial
 * ground truth. From them: how many are labelled, precision and recall of the threshold among
 * the labelled images (with Wilson 95% intervals, since a handful of labels says little), a
 * suggested threshold, and a review queue that walks the unlabelled images nearest the
 * threshold first, where one more label changes the estimate most.
 * The labelled images are the ones the analyst chose to look at, not a random sample: the
 * estimates describe those images, and the app says so.
 */
import { youdenThreshold } from './threshold';

export type PartialLabel = 0 | 1 | null;

export interface PartialLabelEstimate {
  labelled: number;
  poisoned: number;
  clean: number;
  /** Among the labelled images, at the threshold. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** tp / (tp + fp) with its Wilson 95% interval; null without a labelled flagged image. */
  precision: number | null;
  precisionCi: [number, number] | null;
  /** tp / (tp + fn) with its Wilson 95% interval; null without a labelled poisoned image. */
  recall: number | null;
  recallCi: [number, number] | null;
  /** Youden-optimal threshold on the labelled images; null without two of each kind. */
  suggested: number | null;
}

/** Wilson score interval (95%) for k successes in n trials. */
export function wilson(k: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Estimates from the labels given so far (labels[i] for scores[i]; null = not labelled). */
export function partialLabelEstimate(scores: ArrayLike<number>, labels: ArrayLike<PartialLabel>, threshold: number): PartialLabelEstimate {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const s: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const y = labels[i];
    if (y === null || y === undefined) continue;
    const flagged = scores[i] > threshold;
    if (y === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
    s.push(scores[i]);
    l.push(y);
  }
  const poisoned = tp + fn;
  const clean = fp + tn;
  return {
    labelled: poisoned + clean,
    poisoned,
    clean,
    tp,
    fp,
    fn,
    tn,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    precisionCi: tp + fp > 0 ? wilson(tp, tp + fp) : null,
    recall: poisoned > 0 ? tp / poisoned : null,
    recallCi: poisoned > 0 ? wilson(tp, poisoned) : null,
    suggested: poisoned >= 2 && clean >= 2 ? youdenThreshold(s, l) : null,
  };
}

/**
 * Unlabelled images, nearest the threshold first (|score - threshold|, ties by index): the
 * order in which one more label teaches the most about where the threshold belongs.
 */
export function reviewQueue(scores: ArrayLike<number>, threshold: number, labels: ArrayLike<PartialLabel>): number[] {
  const rows: number[] = [];
  for (let i = 0; i < scores.length; i++) if (labels[i] === null || labels[i] === undefined) rows.push(i);
  return rows.sort((a, b) => Math.abs(scores[a] - threshold) - Math.abs(scores[b] - threshold) || a - b);
}
