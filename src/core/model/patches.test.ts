import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { keepCount, keepMatrix, patchify, planMasks, unpatchify } from './patches';
import { Rng } from './rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('patchify / unpatchify', () => {
  it('lays a token out as its NHWC pixels in reading order', () => {
    // 4x4 image, patch 2: pixel (y, x, c) = 100y + 10x + c.
    const v = new Float32Array(4 * 4 * 3);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 3; c++) v[(y * 4 + x) * 3 + c] = 100 * y + 10 * x + c;
    const p = patchify(tf.tensor4d(v, [1, 4, 4, 3]), 2);
    expect(p.shape).toEqual([1, 4, 12]);
    const rows = p.arraySync()[0];
    // token 1 = grid (0, 1): pixels (0,2) (0,3) (1,2) (1,3)
    expect(rows[1]).toEqual([20, 21, 22, 30, 31, 32, 120, 121, 122, 130, 131, 132]);
    // token 2 = grid (1, 0): pixels (2,0) (2,1) (3,0) (3,1)
    expect(rows[2].slice(0, 6)).toEqual([200, 201, 202, 210, 211, 212]);
  });

  it('round-trips any batch and size divisible by the patch', () => {
    const x = tf.randomNormal([3, 12, 12, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const back = unpatchify(patchify(x, 4), 4, 3);
    expect(back.shape).toEqual([3, 12, 12, 3]);
    expect(tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]).toBe(0);
    expect(() => patchify(x, 5)).toThrow(/divisible/);
  });
});

describe('masking', () => {
  it('keeps floor(T(1-r)) patches, different per sample, reproducible per seed', () => {
    expect(keepCount(64, 0.9)).toBe(6);
    expect(keepCount(64, 0.99)).toBe(0);
    expect(keepCount(16, 0.75)).toBe(4);
    const plan = (seed: number) => {
      const rng = Rng.derive(seed);
      return planMasks(6, 16, 0.75, () => rng);
    };
    const a = plan(1);
    expect(a.keep).toBe(4);
    const rows: string[] = [];
    for (let b = 0; b < 6; b++) {
      const kept = Array.from(a.keepIdx.subarray(b * 4, b * 4 + 4));
      expect(new Set(kept).size).toBe(4);
      const hidden = Array.from(a.masked.subarray(b * 16, b * 16 + 16));
      expect(hidden.reduce((s, m) => s + m, 0)).toBe(12);
      for (const k of kept) expect(hidden[k]).toBe(0);
      rows.push(kept.join(','));
    }
    expect(new Set(rows).size).toBeGreaterThan(1);
    expect(plan(1)).toEqual(a);
    expect(Array.from(plan(2).keepIdx)).not.toEqual(Array.from(a.keepIdx));
  });

  it('selects in shuffled order and K^T puts kept tokens back in place', () => {
    const rng = Rng.derive(3);
    const plan = planMasks(2, 9, 0.5, () => rng); // keep 4
    const tokens = tf.tensor3d(Array.from({ length: 2 * 9 * 2 }, (_, i) => Math.floor(i / 2) % 9), [2, 9, 2]);
    const k = keepMatrix(plan);
    const vis = tf.matMul(k, tokens).arraySync() as number[][][];
    const restored = tf.matMul(k, tf.matMul(k, tokens), true, false).arraySync() as number[][][];
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 4; j++) expect(vis[b][j]).toEqual([plan.keepIdx[b * 4 + j], plan.keepIdx[b * 4 + j]]);
      for (let t = 0; t < 9; t++) {
        const want = plan.masked[b * 9 + t] === 0 ? t : 0;
        expect(restored[b][t]).toEqual([want, want]);
      }
    }
  });

  it('handles zero kept patches', () => {
    const plan = planMasks(3, 4, 0.99, () => Rng.derive(0));
    expect(plan.keep).toBe(0);
    expect(Array.from(plan.masked)).toEqual(new Array(12).fill(1));
    expect(() => planMasks(1, 4, 0, () => Rng.derive(0))).toThrow(/mask ratio/);
  });
});
