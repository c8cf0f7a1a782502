import { describe, expect, it } from 'vitest';
import { powerSliceSize } from './power';
import { matchLabels, scanMetrics, scanThreshold } from './scanMetrics';

describe('matchLabels', () => {
  it('pairs rows with labels by path and counts the rest', () => {
    const labels = new Map<string, 0 | 1>([
      ['b.png', 1],
      ['a.png', 0],
      ['gone.png', 1],
    ]);
    const s = matchLabels(['a.png', 'b.png', 'c.png'], labels);
    expect(s.index).toEqual([0, 1]);
    expect(Array.from(s.labels)).toEqual([0, 1]);
    expect(s.unlabelled).toBe(1);
    expect(s.unmatched).toBe(1);
  });

  it('says how paths must look when none match', () => {
    expect(() => matchLabels(['img/a.png'], new Map([['a.png', 1 as const]]))).toThrow(
      /none of the 1 labelled files is among the 1 scored images \(e.g. "a.png" vs "img\/a.png"\)/,
    );
  });
});

describe('scanThreshold and scanMetrics', () => {
  // Rows: scores 5 (poisoned), 4 (clean), 3 (poisoned), 1 (clean), 9 (no label).
  const scores = [5, 4, 3, 1, 9];
  const subset = matchLabels(['p1', 'c1', 'p2', 'c2', 'x'], new Map<string, 0 | 1>([['p1', 1], ['c1', 0], ['p2', 1], ['c2', 0]]));

  it('applies count-based rules to every score and youden to the labelled ones', () => {
    expect(scanThreshold(scores, { kind: 'mean', k: 1 }, null)).toBeCloseTo(22 / 5, 10);
    // Labelled scores 5,4,3,1 with labels 1,0,1,0: cutting below 5 gives J = 0.5 - 0 = 0.5;
    // below 3 gives J = 1 - 0.5 = 0.5 (not greater), so the first cut (5+4)/2 stays.
    expect(scanThreshold(scores, { kind: 'youden' }, subset)).toBe(4.5);
    expect(() => scanThreshold(scores, { kind: 'youden' }, null)).toThrow(/needs labels/);
  });

  it('computes metrics on the labelled rows only', () => {
    const m = scanMetrics(scores, subset, 3.5);
    // Pairs (poisoned > clean): 5>4, 5>1, 3>1 win, 3<4 loses: AUROC 3/4.
    expect(m.auroc).toBe(0.75);
    expect(m.confusion).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 1 });
    expect(m).toMatchObject({ labelled: 4, poisoned: 2, unlabelled: 1, unmatched: 0 });
  });

  it('leaves ranking metrics empty when every label is the same', () => {
    const one = matchLabels(['a', 'b'], new Map<string, 0 | 1>([['a', 0], ['b', 0]]));
    const m = scanMetrics([2, 1], one, 1.5);
    expect(m.auroc).toBeNull();
    expect(m.confusion).toMatchObject({ fp: 1, tn: 1 });
  });
});

describe('powerSliceSize', () => {
  it('is 10% of the images, at least 200, at most 500, never more than all', () => {
    expect(powerSliceSize(1000)).toBe(200);
    expect(powerSliceSize(100)).toBe(100);
    expect(powerSliceSize(20)).toBe(20);
    expect(powerSliceSize(10_000)).toBe(500);
    expect(powerSliceSize(3001)).toBe(301);
  });
});
