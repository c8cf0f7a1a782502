import { describe, expect, it } from 'vitest';
import { partialLabelEstimate, reviewQueue, wilson, type PartialLabel } from './partialLabels';

describe('partial labels (manual verdicts as ground truth)', () => {
  // Scores 0..9; threshold 5.5 flags 6, 7, 8, 9.
  const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const labels: PartialLabel[] = [0, null, null, 1, null, 0, 0, null, 1, 1];

  it('counts precision and recall among the labelled images at the threshold, by hand', () => {
    const e = partialLabelEstimate(scores, labels, 5.5);
    // Labelled: 0 (clean, kept), 3 (poisoned, kept: FN), 5 (clean, kept), 6 (clean, flagged: FP), 8, 9 (poisoned, flagged: TP).
    expect([e.labelled, e.poisoned, e.clean]).toEqual([6, 3, 3]);
    expect([e.tp, e.fp, e.fn, e.tn]).toEqual([2, 1, 1, 2]);
    expect(e.precision).toBeCloseTo(2 / 3, 12);
    expect(e.recall).toBeCloseTo(2 / 3, 12);
    expect(e.precisionCi![0]).toBeLessThan(2 / 3);
    expect(e.precisionCi![1]).toBeGreaterThan(2 / 3);
    // Youden on the labelled ones (0:0, 3:1, 5:0, 6:0, 8:1, 9:1): cut between 6 and 8 gives TPR 2/3, FPR 0.
    expect(e.suggested).toBe(7);
  });

  it('says nothing it cannot: no precision without a labelled flagged image, no suggestion without two of each', () => {
    const e = partialLabelEstimate(scores, [0, null, null, 1, null, null, null, null, null, null], 5.5);
    expect(e.precision).toBeNull();
    expect(e.recall).toBe(0);
    expect(e.suggested).toBeNull();
  });

  it('Wilson intervals match the textbook values', () => {
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('queues the unlabelled images nearest the threshold first', () => {
    // Unlabelled: 1, 2, 4, 7 at distances 4.5, 3.5, 1.5, 1.5 from 5.5: 4 and 7 tie (index order), then 2, 1.
    expect(reviewQueue(scores, 5.5, labels)).toEqual([4, 7, 2, 1]);
  });
});
