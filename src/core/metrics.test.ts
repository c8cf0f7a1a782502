import { describe, expect, it } from 'vitest';
import { auprc, auroc, confusion, labelMetrics, rocCurve, tprAtFpr } from './metrics';

// Hand-checked against scikit-learn: roc_auc_score -> 0.75, average_precision_score -> 0.8333.
const scores = [0.1, 0.4, 0.35, 0.8];
const labels = [0, 0, 1, 1];

describe('metrics', () => {
  it('AUROC = fraction of (poisoned, clean) pairs ordered right', () => {
    expect(auroc(scores, labels)).toBe(0.75);
    expect(auroc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auroc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
  });

  it('ties count half (average rank)', () => {
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // pairs (2>1) (2=2 -> 0.5) (3>1) (3>2) -> 3.5 / 4
    expect(auroc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875);
  });

  it('AUPRC is average precision', () => {
    // 0.8 p: P=1 R=.5; 0.4 c; 0.35 p: P=2/3 R=1 -> .5*1 + .5*2/3
    expect(auprc(scores, labels)).toBeCloseTo(5 / 6, 12);
    // tie group {2p, 2c} enters at once: .5 * 1 + .5 * 2/3
    expect(auprc([1, 2, 2, 3], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
  });

  it('ROC points carry the threshold that reproduces them with score > threshold', () => {
    const roc = rocCurve(scores, labels);
    expect(roc).toEqual([
      { fpr: 0, tpr: 0, threshold: 0.8 },
      { fpr: 0, tpr: 0.5, threshold: 0.4 },
      { fpr: 0.5, tpr: 0.5, threshold: 0.35 },
      { fpr: 0.5, tpr: 1, threshold: 0.1 },
      { fpr: 1, tpr: 1, threshold: -Infinity },
    ]);
    for (const p of roc) {
      const c = confusion(scores, labels, p.threshold);
      expect([c.fpr, c.tpr]).toEqual([p.fpr, p.tpr]);
    }
  });

  it('TPR at FPR takes the best reachable ROC vertex, no interpolation', () => {
    expect(tprAtFpr(scores, labels, 0)).toBe(0.5);
    expect(tprAtFpr(scores, labels, 0.49)).toBe(0.5);
    expect(tprAtFpr(scores, labels, 0.5)).toBe(1);
    // 100 clean at 0..99, 10 poisoned at 98.5 and 9 above 1000: 1 clean above 98.5 = 1% FPR
    const s = [...Array.from({ length: 100 }, (_, i) => i), 98.5, ...Array.from({ length: 9 }, (_, i) => 1000 + i)];
    const l = [...new Array(100).fill(0), ...new Array(10).fill(1)];
    expect(tprAtFpr(s, l, 0.01)).toBe(1);
    expect(tprAtFpr(s, l, 0.005)).toBe(0.9);
  });

  it('confusion at a threshold, with 0 for empty denominators', () => {
    expect(confusion(scores, labels, 0.37)).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1, tpr: 0.5, fpr: 0.5, precision: 0.5 });
    expect(confusion(scores, labels, 1).precision).toBe(0);
    expect(confusion(scores, labels, 0)).toMatchObject({ tp: 2, fp: 2, tpr: 1, fpr: 1, precision: 0.5 });
  });

  it('labelMetrics bundles everything; one-class labels are refused', () => {
    const m = labelMetrics(scores, labels, 0.6);
    expect(m).toMatchObject({ auroc: 0.75, tprAt1Fpr: 0.5, tprAt5Fpr: 0.5 });
    expect(m.confusion.tp).toBe(1);
    expect(() => auroc([1, 2], [0, 0])).toThrow(/both poisoned \(1\) and clean \(0\)/);
    expect(() => auroc([1, 2], [0, 2])).toThrow(/label #2 is 2/);
  });
});
