import { describe, expect, it } from 'vitest';
import { parseRule } from './options';
import { flagCounts, isFlagged, pickThreshold, quantile, youdenThreshold } from './threshold';

const scores = [4, 1, 10, 3, 2]; // sorted: 1 2 3 4 10, mean 4, median 3

describe('pickThreshold', () => {
  it('mean:k is k times the mean', () => {
    expect(pickThreshold(scores, parseRule('mean:1.5'))).toBeCloseTo(6, 12);
  });

  it('pct:p interpolates linearly like numpy.percentile', () => {
    expect(pickThreshold(scores, parseRule('pct:50'))).toBe(3);
    // position 0.9 * 4 = 3.6 -> 4 + 0.6 * (10 - 4) = 7.6 (numpy gives 7.6)
    expect(pickThreshold(scores, parseRule('pct:90'))).toBeCloseTo(7.6, 12);
    expect(quantile([5], 0.3)).toBe(5);
  });

  it('mad:z is median + z * 1.4826 * MAD', () => {
    // |x - 3| = 2 1 0 1 7 -> median 1 -> 3 + 2 * 1.4826
    expect(pickThreshold(scores, parseRule('mad:2'))).toBeCloseTo(5.9652, 12);
  });

  it('rate:r is the (1 - r) quantile, so about r of images are flagged', () => {
    const t = pickThreshold(scores, parseRule('rate:0.2'));
    expect(t).toBeCloseTo(5.2, 12); // position 3.2 -> 4 + 0.2 * 6
    expect(flagCounts(scores, t).flagged).toBe(1);
    const many = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    expect(flagCounts(many, pickThreshold(many, parseRule('rate:0.05'))).flagged).toBe(50);
  });

  it('value:x is x, whatever the scores', () => {
    expect(pickThreshold(scores, parseRule('value:7'))).toBe(7);
  });

  it('youden maximises TPR - FPR and cuts between the two scores', () => {
    // 0.8 (poisoned) | 0.4 (clean) 0.35 (poisoned) 0.1 (clean): J = 0.5 after 0.8, tie at 0.35 keeps the first
    expect(pickThreshold([0.1, 0.4, 0.35, 0.8], { kind: 'youden' }, [0, 0, 1, 1])).toBeCloseTo(0.6, 12);
    // 6p 5p | 4c 3p 2c 1c: J = 1/3, 2/3, 1/3, 2/3, ... -> first 2/3, cut at 4.5
    expect(youdenThreshold([1, 2, 3, 4, 5, 6], [0, 0, 1, 0, 1, 1])).toBe(4.5);
  });

  it('youden refuses to run without labels or with one class only', () => {
    expect(() => pickThreshold(scores, { kind: 'youden' })).toThrow(/needs labels/);
    expect(() => youdenThreshold([1, 2], [1, 1])).toThrow(/both poisoned \(1\) and clean \(0\)/);
    expect(() => youdenThreshold([1, 2], [1])).toThrow(/1 labels for 2 scores/);
  });

  it('rejects empty or non-finite scores in plain words', () => {
    expect(() => pickThreshold([], parseRule('mean:1.5'))).toThrow('no scores to threshold');
    expect(() => pickThreshold([1, NaN], parseRule('pct:99'))).toThrow('score #2 is NaN, not a finite number');
  });
});

describe('flagging', () => {
  it('flagged means strictly greater than the threshold', () => {
    expect(isFlagged(2, 2)).toBe(false);
    expect(isFlagged(2.0001, 2)).toBe(true);
    expect(flagCounts(Float32Array.from([1, 2, 3]), 2)).toEqual({ flagged: 1, clean: 2, total: 3 });
  });
});
