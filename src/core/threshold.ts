/**
 * From scores to a cut. Convention used everywhere (CLI, app, CSV, metrics): an image is
 * flagged as poisoned when its score is strictly greater than the threshold.
 */
import type { ThresholdRule } from './options';
import { tailZ } from './normal';

/** MAD -> standard deviation for normally distributed data (1 / Phi^-1(3/4)). */
export const MAD_TO_SIGMA = 1.4826;

/** True when `score > threshold`: the one definition of "flagged". */
export function isFlagged(score: number, threshold: number): boolean {
  return score > threshold;
}

/** Ascending copy of the scores; throws when empty or when a score is not finite. */
export function sortedScores(scores: ArrayLike<number>): Float64Array {
  if (scores.length === 0) throw new Error('no scores to threshold');
  const sorted = Float64Array.from(scores);
  for (let i = 0; i < sorted.length; i++)
    if (!Number.isFinite(sorted[i])) throw new Error(`score #${i + 1} is ${sorted[i]}, not a finite number`);
  return sorted.sort();
}

/** q-quantile of ascending `sorted` with linear interpolation at position q * (n - 1) (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of no values');
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Median of ascending `sorted` (quantile 0.5). */
export function median(sorted: ArrayLike<number>): number {
  return quantile(sorted, 0.5);
}

/**
 * Threshold for `rule`: mean:k = k * mean; pct:p = p-th percentile; mad:z = median + z * 1.4826 * MAD;
 * rate:r = (1 - r)-quantile (about r of images flagged); value:x = x; youden = argmax TPR - FPR (needs labels).
 */
export function pickThreshold(
  scores: ArrayLike<number>,
  rule: ThresholdRule,
  labels?: ArrayLike<number>,
  opts: { calibrated?: boolean } = {},
): number {
  if (rule.kind === 'value') return rule.value;
  const sorted = sortedScores(scores);
  switch (rule.kind) {
    case 'mean': {
      let sum = 0;
      for (const s of sorted) sum += s;
      return (rule.k * sum) / sorted.length;
    }
    case 'pct':
      return quantile(sorted, rule.p / 100);
    case 'rate':
      return quantile(sorted, 1 - rule.rate);
    case 'tail': {
      // Calibrated scores are robust z values already (witnesses.ts): cut at z_alpha. Raw
      // positive scores (errors): robust fit of the bulk on a log scale, cut at z_alpha there.
      if (opts.calibrated) return tailZ(rule.alpha);
      const positive = sorted[0] > 0;
      const t = positive ? sorted.map(Math.log) : sorted;
      const med = median(t);
      const sigma = MAD_TO_SIGMA * median(t.map((s) => Math.abs(s - med)).sort());
      const cut = med + tailZ(rule.alpha) * sigma;
      return positive ? Math.exp(cut) : cut;
    }
    case 'mad': {
      const med = median(sorted);
      const deviations = sorted.map((s) => Math.abs(s - med)).sort();
      return med + rule.z * MAD_TO_SIGMA * median(deviations);
    }
    case 'youden':
      if (!labels) throw new Error('the youden rule needs labels (a CSV with columns file,poisoned)');
      return youdenThreshold(scores, labels);
  }
}

/** Validates a 0/1 label array against the scores; returns how many are poisoned (1). */
export function checkLabels(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length !== scores.length)
    throw new Error(`${labels.length} labels for ${scores.length} scores: every scored image needs a label`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`label #${i + 1} is ${labels[i]}, expected 0 or 1`);
    positives += labels[i];
  }
  return positives;
}

/**
 * Threshold maximising Youden's J = TPR - FPR over every cut between distinct scores; the
 * threshold is the midpoint between the lowest flagged and the highest unflagged score.
 */
export function youdenThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const positives = checkLabels(scores, labels);
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0)
    throw new Error('the youden rule needs both poisoned (1) and clean (0) labels');
  sortedScores(scores); // validates: finite and non-empty
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  // Flagging nothing (J = 0) is the fallback: threshold = the highest score.
  let best = 0;
  let threshold = scores[order[0]];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i]];
    for (; i < order.length && scores[order[i]] === s; i++) {
      if (labels[order[i]] === 1) tp++;
      else fp++;
    }
    // J scaled by positives * negatives: exact integers, so equal J values tie exactly.
    const j = tp * negatives - fp * positives;
    if (j > best && i < order.length) {
      best = j;
      const lower = scores[order[i]];
      const mid = (s + lower) / 2;
      // Adjacent floats can round the midpoint onto s, which would unflag s itself.
      threshold = mid < s ? mid : lower;
    }
  }
  return threshold;
}

/** How many scores are flagged (score > threshold) and how many are not. */
export function flagCounts(scores: ArrayLike<number>, threshold: number): { flagged: number; clean: number; total: number } {
  let flagged = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > threshold) flagged++;
  return { flagged, clean: scores.length - flagged, total: scores.length };
}
