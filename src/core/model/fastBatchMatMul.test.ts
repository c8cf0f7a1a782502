import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '../base64';
import { fastBatchMatMulActive, installFastBatchMatMul } from './fastBatchMatMul';
import { Rng } from './rng';

/** Reference product by a plain triple loop: op(a)[b] x op(b)[b], batch broadcast from 1. */
function reference(a: Float32Array, sa: number[], b: Float32Array, sb: number[], ta: boolean, tb: boolean): Float32Array {
  const ra = sa.length, rb = sb.length;
  const batchA = sa.slice(0, -2).reduce((x, y) => x * y, 1), batchB = sb.slice(0, -2).reduce((x, y) => x * y, 1);
  const m = ta ? sa[ra - 1] : sa[ra - 2], k = ta ? sa[ra - 2] : sa[ra - 1];
  const n = tb ? sb[rb - 2] : sb[rb - 1];
  const batch = Math.max(batchA, batchB);
  const out = new Float32Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    const ao = (batchA === 1 ? 0 : q) * m * k, bo = (batchB === 1 ? 0 : q) * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ao + (ta ? p * m + i : i * k + p)] * b[bo + (tb ? j * k + p : p * n + j)];
        out[(q * m + i) * n + j] = s;
      }
  }
  return out;
}

const random = (n: number, seed: number) => {
  const rng = Rng.derive(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
};
const size = (s: number[]) => s.reduce((x, y) => x * y, 1);

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

describe('decodeBase64', () => {
  it('agrees with Node for every padding length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 0xff);
      expect(Array.from(decodeBase64(Buffer.from(bytes).toString('base64')))).toEqual(Array.from(bytes));
    }
    expect(() => decodeBase64('ab$d')).toThrow(/invalid base64/);
  });
});

describe('SIMD BatchMatMul on tfjs-wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(installFastBatchMatMul()).toBe(true);
  });

  it('is installed once and reports itself', () => {
    expect(installFastBatchMatMul()).toBe(true);
    expect(fastBatchMatMulActive()).toBe(true);
  });

  // Odd sizes exercise every tail of the 4-row x 8-column tiles; the first is the attention's shape.
  const CASES: Array<[number[], number[], boolean, boolean]> = [
    [[12, 65, 65], [12, 65, 32], false, false],
    [[12, 65, 32], [12, 65, 32], false, true],
    [[12, 65, 65], [12, 65, 32], true, false],
    [[5, 7, 3], [5, 9, 7], true, true],
    [[3, 1, 9], [3, 9, 1], false, false],
    [[2, 3, 5, 7], [2, 3, 9, 7], false, true],
    [[1, 5, 7], [4, 7, 3], false, false],
    [[4, 6, 5], [1, 5, 11], false, false],
    [[64, 1, 65], [64, 65, 128], false, false],
  ];
  for (const [sa, sb, ta, tb] of CASES) {
    it(`matches a plain loop: [${sa}]${ta ? 'ᵀ' : ''} x [${sb}]${tb ? 'ᵀ' : ''}`, () => {
      const a = random(size(sa), 1), b = random(size(sb), 2);
      const got = tf.tidy(() => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb));
      const want = reference(a, sa, b, sb, ta, tb);
      const m = ta ? sa[sa.length - 1] : sa[sa.length - 2], n = tb ? sb[sb.length - 2] : sb[sb.length - 1];
      const outer = sa.length >= sb.length && size(sa.slice(0, -2)) >= size(sb.slice(0, -2)) ? sa.slice(0, -2) : sb.slice(0, -2);
      expect(got.shape).toEqual([...outer, m, n]);
      expect(maxDiff(got.dataSync(), want)).toBeLessThan(1e-4);
      got.dispose();
    });
  }

  it('gives the same gradients as the plain loop (the backward pass uses all four transposes)', () => {
    const sa = [6, 13, 10], sb = [6, 10, 17];
    const a = random(size(sa), 3), b = random(size(sb), 4), dy = random(6 * 13 * 17, 5);
    const [ga, gb] = tf.tidy(() => {
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), tf.tensor(dy, [6, 13, 17]))));
      return g([tf.tensor(a, sa), tf.tensor(b, sb)]);
    });
    // dA = dY B^T, dB = A^T dY
    expect(maxDiff(ga.dataSync(), reference(dy, [6, 13, 17], b, sb, false, true))).toBeLessThan(1e-4);
    expect(maxDiff(gb.dataSync(), reference(a, sa, dy, [6, 13, 17], true, false))).toBeLessThan(1e-4);
    ga.dispose();
    gb.dispose();
  });

  it('leaves 2-D products and empty batches alone and leaks no tensor memory', () => {
    const before = tf.memory().numBytes;
    const a = random(7 * 5, 6), b = random(5 * 3, 7);
    const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, [7, 5]), tf.tensor2d(b, [5, 3])));
    expect(maxDiff(got.dataSync(), reference(a, [1, 7, 5], b, [1, 5, 3], false, false))).toBeLessThan(1e-5);
    got.dispose();
    const empty = tf.tidy(() => tf.matMul(tf.zeros([3, 0, 4]), tf.zeros([3, 4, 2])));
    expect(empty.shape).toEqual([3, 0, 2]);
    empty.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });
});
