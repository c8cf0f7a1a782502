/**
 * Ground truth for a scan: matching a labels table (path -> 0/1) to the scored images, and the
 * metrics on the images that have a label. Images without a label are scored but not counted.
 */
import type { ThresholdRule } from './options';
import { labelMetrics, confusion, type Confusion } from './metrics';
import { pickThreshold } from './threshold';

export interface LabelledSubset {
  /** Rows of the scan (indices into paths/scores) that have a label. */
  index: number[];
  /** Their labels, 1 = poisoned. */
  labels: Uint8Array;
  /** Scored images without a label. */
  unlabelled: number;
  /** Labels naming no scored image (skipped files, typos, another folder). */
  unmatched: number;
}

export interface ScanMetrics {
  /** Null when the labelled images are all of one class. */
  auroc: number | null;
  auprc: number | null;
  tprAt1Fpr: number | null;
  tprAt5Fpr: number | null;
  confusion: Confusion;
  labelled: number;
  poisoned: number;
  unlabelled: number;
  unmatched: number;
}

/** Pairs scan rows with labels by path; throws when no label names any scored image. */
export function matchLabels(paths: string[], labels: Map<string, 0 | 1>): LabelledSubset {
  const index: number[] = [];
  const values: number[] = [];
  paths.forEach((p, i) => {
    const label = labels.get(p);
    if (label !== undefined) {
      index.push(i);
      values.push(label);
    }
  });
  if (index.length === 0) {
    const example = labels.keys().next().value;
    throw new Error(
      `none of the ${labels.size} labelled files is among the ${paths.length} scored images (e.g. "${example}" vs "${paths[0]}"): label paths must be relative to the images folder, with /`,
    );
  }
  return { index, labels: Uint8Array.from(values), unlabelled: paths.length - index.length, unmatched: labels.size - index.length };
}

function pick(scores: ArrayLike<number>, index: number[]): Float64Array {
  return Float64Array.from(index, (i) => scores[i]);
}

/** Threshold for `rule` over all scores; youden uses the labelled subset (and needs it). */
export function scanThreshold(
  scores: ArrayLike<number>,
  rule: ThresholdRule,
  subset: LabelledSubset | null,
  opts: { calibrated?: boolean } = {},
): number {
  if (rule.kind === 'youden') {
    if (!subset) throw new Error('the youden rule needs labels (a CSV with columns file,poisoned)');
    return pickThreshold(pick(scores, subset.index), rule, subset.labels);
  }
  return pickThreshold(scores, rule, undefined, opts);
}

/** The subset's labels spread over all `n` rows of the scan: 1 / 0, or null where a row has none. */
export function labelsByRow(subset: LabelledSubset, n: number): (number | null)[] {
  const out: (number | null)[] = new Array(n).fill(null);
  subset.index.forEach((row, k) => (out[row] = subset.labels[k]));
  return out;
}

/** AUROC, AUPRC, TPR at 1%/5% FPR and the confusion at `threshold`, over the labelled images. */
export function scanMetrics(scores: ArrayLike<number>, subset: LabelledSubset, threshold: number): ScanMetrics {
  const s = pick(scores, subset.index);
  const poisoned = subset.labels.reduce((n, l) => n + l, 0);
  const counts = {
    labelled: subset.index.length,
    poisoned,
    unlabelled: subset.unlabelled,
    unmatched: subset.unmatched,
  };
  if (poisoned === 0 || poisoned === subset.index.length) {
    return { auroc: null, auprc: null, tprAt1Fpr: null, tprAt5Fpr: null, confusion: confusion(s, subset.labels, threshold), ...counts };
  }
  return { ...labelMetrics(s, subset.labels, threshold), ...counts };
}
