import { describe, expect, it } from 'vitest';
import { histogram } from './histogram';

describe('histogram', () => {
  it('linear bins over [min, max], the last bin closed', () => {
    expect(histogram([0, 1, 2, 3, 4], 4)).toEqual({ edges: [0, 1, 2, 3, 4], counts: [1, 1, 1, 2], skipped: 0 });
    expect(histogram(Float32Array.from([2, 8, 5]), 2)).toEqual({ edges: [2, 5, 8], counts: [1, 2], skipped: 0 });
  });

  it('log bins are equal in log10 over positive scores; the rest is counted as skipped', () => {
    const h = histogram([0.01, 0.1, 1, 10, 0, -1, NaN], 3, { log: true });
    expect(h.counts).toEqual([1, 1, 2]);
    expect(h.skipped).toBe(3);
    [0.01, 0.1, 1, 10].forEach((e, k) => expect(h.edges[k]).toBeCloseTo(e, 12));
  });

  it('a single distinct value gets a span around it; no values gives empty bins', () => {
    expect(histogram([5, 5], 2)).toEqual({ edges: [4.5, 5, 5.5], counts: [0, 2], skipped: 0 });
    expect(histogram([], 3)).toEqual({ edges: [], counts: [], skipped: 0 });
    expect(() => histogram([1], 0)).toThrow(/bins must be a positive integer/);
  });

  it('counts every finite score exactly once on large inputs', () => {
    const many = Float64Array.from({ length: 200_000 }, (_, i) => Math.sin(i) * 1e3);
    const h = histogram(many, 50);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(200_000);
  });
});
