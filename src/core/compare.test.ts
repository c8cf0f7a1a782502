import { describe, expect, it } from 'vitest';
import { averageRanks, compareRuns } from './compare';

const run = (name: string, rows: [string, number, boolean][]) => ({ name, rows: rows.map(([file, score, flagged]) => ({ file, score, flagged })) });

describe('compareRuns', () => {
  it('counts the overlap, the rank correlation and the diff by hand', () => {
    const a = run('a', [
      ['x.png', 9, true],
      ['y.png', 7, true],
      ['z.png', 3, false],
      ['w.png', 1, false],
      ['only-a.png', 5, true],
    ]);
    const b = run('b', [
      ['w.png', 2, false],
      ['z.png', 8, true],
      ['y.png', 6, false],
      ['x.png', 9, true],
      ['only-b.png', 1, false],
    ]);
    const c = compareRuns(a, b);
    expect(c.matched).toBe(4);
    expect([c.onlyInA, c.onlyInB]).toEqual([1, 1]);
    // Matched flags: A {x, y}, B {x, z}: both {x}, union {x, y, z}.
    expect([c.flaggedA, c.flaggedB, c.flaggedBoth]).toEqual([2, 2, 1]);
    expect(c.jaccard).toBeCloseTo(1 / 3, 12);
    // Ranks over x, y, z, w: A (4, 3, 2, 1), B (4, 2, 3, 1): d^2 = 0 + 1 + 1 + 0 = 2, rho = 1 - 6*2/(4*15) = 0.8.
    expect(c.spearman).toBeCloseTo(0.8, 12);
    // Flagged by one run only: z (B; ranks 2 and 3, top 3) before y (A; ranks 3 and 2, top 3): tie, by file name.
    expect(c.diff).toEqual([
      { file: 'y.png', scoreA: 7, scoreB: 6, flaggedBy: 'a' },
      { file: 'z.png', scoreA: 3, scoreB: 8, flaggedBy: 'b' },
    ]);
  });

  it('gives identical runs a Jaccard and correlation of 1 and no diff', () => {
    const a = run('a', [
      ['p', 1, false],
      ['q', 2, true],
      ['r', 3, true],
    ]);
    const c = compareRuns(a, { ...a, name: 'b' });
    expect([c.jaccard, c.spearman, c.diff.length]).toEqual([1, 1, 0]);
  });

  it('refuses runs over different folders with a sentence', () => {
    expect(() => compareRuns(run('a', [['p', 1, false]]), run('b', [['q', 1, false]]))).toThrow(/share no file path/);
  });
});

describe('averageRanks', () => {
  it('shares tied ranks', () => {
    expect(Array.from(averageRanks([10, 20, 10, 30]))).toEqual([1.5, 3, 1.5, 4]);
  });
});
