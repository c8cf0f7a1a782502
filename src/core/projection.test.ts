import { describe, expect, it } from 'vitest';
import { pcaProject, rowsInBox } from './projection';
import type { Embeddings } from './types';

const emb = (rows: number[][]): Embeddings => ({ count: rows.length, dim: rows[0].length, data: Float32Array.from(rows.flat()) });

describe('pcaProject', () => {
  it('finds the axes of a hand-made cloud and its explained variance', () => {
    // Points (+-3, 0, 0) and (0, +-1, 0) around (1, 1, 1): variance 4.5 on x, 0.5 on y, 0 on z
    // (each axis's variance = sum of squares / 4 rows): x holds 0.9 of it, y 0.1.
    const p = pcaProject(emb([[4, 1, 1], [-2, 1, 1], [1, 2, 1], [1, 0, 1]]));
    expect(Array.from(p.mean)).toEqual([1, 1, 1]);
    expect(p.explained[0]).toBeCloseTo(0.9, 6);
    expect(p.explained[1]).toBeCloseTo(0.1, 6);
    expect(Math.abs(p.axes[0][0])).toBeCloseTo(1, 6);
    expect(Math.abs(p.axes[1][1])).toBeCloseTo(1, 6);
    // Signs fixed (largest coordinate positive), so the coordinates are exact.
    const xy = Array.from(p.xy, (v) => Number(v.toFixed(5)) + 0);
    expect(xy).toEqual([3, 0, -3, 0, 0, 1, 0, -1]);
  });

  it('recovers a rotated plane in 64 dimensions and is deterministic', () => {
    // Rows a*u + b*w + noise, a ~ 3x the spread of b, u and w orthonormal in 64-d.
    const d = 64;
    const u = Array.from({ length: d }, (_, t) => (t % 2 ? 1 : -1) / Math.sqrt(d));
    const w = Array.from({ length: d }, (_, t) => (t < d / 2 ? 1 : -1) / Math.sqrt(d));
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const rows = Array.from({ length: 400 }, () => {
      const a = 3 * rand();
      const b = rand();
      return Array.from({ length: d }, (_, t) => a * u[t] + b * w[t] + 0.001 * rand());
    });
    const p = pcaProject(emb(rows));
    const dot = (x: ArrayLike<number>, y: number[]) => Array.from(x).reduce((s, v, t) => s + v * y[t], 0);
    expect(Math.abs(dot(p.axes[0], u))).toBeGreaterThan(0.9999);
    expect(Math.abs(dot(p.axes[1], w))).toBeGreaterThan(0.999);
    expect(p.explained[0] + p.explained[1]).toBeGreaterThan(0.999);
    expect(Array.from(pcaProject(emb(rows)).xy)).toEqual(Array.from(p.xy));
  });

  it('fits on an evenly spaced sample of a large set and still projects every row', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i, 2 * i, 0]);
    const p = pcaProject(emb(rows), { maxFit: 10 });
    expect(p.fitRows).toBe(10);
    expect(p.xy.length).toBe(100);
    expect(p.explained[0]).toBeCloseTo(1, 6);
  });

  it('refuses an empty set with a sentence', () => {
    expect(() => pcaProject({ count: 0, dim: 4, data: new Float32Array() })).toThrow(/run an analysis first/);
  });
});

describe('rowsInBox', () => {
  it('selects the rows inside the box, corners in any order', () => {
    const xy = Float32Array.from([0, 0, 1, 1, 2, 2, -1, 3]);
    expect(rowsInBox(xy, 0.5, 0.5, 2, 2)).toEqual([1, 2]);
    expect(rowsInBox(xy, 2, 3, -1, 0.5)).toEqual([1, 2, 3]);
    expect(rowsInBox(xy, 5, 5, 6, 6)).toEqual([]);
  });
});
