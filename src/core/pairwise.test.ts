import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BLOCK, referenceProducts, selectKth } from './pairwise';
import { neighbourSimilarity } from './density';
import { CancelledError } from './progress';
import { Rng } from './model/rng';

describe('selectKth', () => {
  it('returns what a sorted copy holds at every index, on ties, sorted, reversed and random values', () => {
    const rng = Rng.derive(3, 1);
    const cases = [
      Float32Array.from({ length: 257 }, () => Math.floor(rng.next() * 5)), // many ties
      Float32Array.from({ length: 100 }, (_, i) => i),
      Float32Array.from({ length: 100 }, (_, i) => -i),
      Float32Array.from({ length: 301 }, () => rng.normal()),
      Float32Array.from([7]),
      Float32Array.from([2, 2, 2, 2]),
    ];
    for (const values of cases) {
      const sorted = values.slice().sort();
      for (let k = 0; k < values.length; k++) {
        const a = values.slice();
        expect(selectKth(a, a.length, k)).toBe(sorted[k]);
        for (let j = 0; j < k; j++) expect(a[j]).toBeLessThanOrEqual(a[k]);
        for (let j = k + 1; j < a.length; j++) expect(a[j]).toBeGreaterThanOrEqual(a[k]);
        expect(a.slice().sort()).toEqual(sorted); // a permutation
      }
    }
  });

  it('selects within the first count values only and refuses an index outside them', () => {
    const a = Float32Array.from([5, 1, 4, -100, -100]);
    expect(selectKth(a, 3, 0)).toBe(1);
    expect(a.subarray(3)).toEqual(Float32Array.from([-100, -100]));
    expect(() => selectKth(a, 3, 3)).toThrow(RangeError);
  });
});

describe('referenceProducts', () => {
  it('gives each row block its products with the reference rows, and stops between blocks when cancelled', async () => {
    const rng = Rng.derive(5, 1);
    const n = BLOCK + 37;
    const w = 6;
    const data = Float32Array.from({ length: n * w }, () => rng.normal());
    const reference = [4, n - 1, 0];
    const seen: number[] = [];
    await referenceProducts([{ data, width: w }], n, reference, (start, rows, [p]) => {
      seen.push(start, rows);
      for (let r = 0; r < rows; r++)
        reference.forEach((o, q) => {
          let s = 0;
          for (let j = 0; j < w; j++) s += data[(start + r) * w + j] * data[o * w + j];
          expect(p[r * reference.length + q]).toBeCloseTo(s, 4);
        });
    });
    expect(seen).toEqual([0, BLOCK, BLOCK, 37]);
    const before = tf.memory().numTensors;
    let blocks = 0;
    await expect(referenceProducts([{ data, width: w }], n, null, () => blocks++, { shouldStop: () => blocks > 0 })).rejects.toBeInstanceOf(CancelledError);
    expect(blocks).toBe(1);
    expect(tf.memory().numTensors).toBe(before); // nothing left behind
  });
});

describe('neighbourSimilarity', () => {
  it('equals the k-th largest cosine to the other rows (written out), on the sampled path too', async () => {
    const rng = Rng.derive(9, 1);
    const n = 300;
    const d = 8;
    const data = Float32Array.from({ length: n * d }, () => rng.normal());
    const unit = (i: number) => {
      const v = data.subarray(i * d, (i + 1) * d);
      const s = Math.hypot(...v);
      return Array.from(v, (x) => x / s);
    };
    const cos = (i: number, o: number) => unit(i).reduce((s, x, j) => s + x * unit(o)[j], 0);
    for (const opts of [{ k: 5, maxReference: 1000 }, { k: 5, maxReference: 100 }]) {
      const s = await neighbourSimilarity({ count: n, dim: d, data }, opts, 0);
      // On the sampled path the reference is a seeded sample: recover it as the rows whose
      // cosines the score can be; check exactness on the full path and the k-th order on both.
      for (const i of [0, 17, 299]) {
        const others = Array.from({ length: n }, (_, o) => o).filter((o) => o !== i).map((o) => cos(i, o)).sort((a, b) => b - a);
        if (opts.maxReference >= n) expect(s[i]).toBeCloseTo(others[opts.k - 1], 5);
        else expect(others.some((c) => Math.abs(c - s[i]) < 1e-5)).toBe(true);
      }
    }
  });
});
