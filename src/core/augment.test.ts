import { describe, expect, it } from 'vitest';
import { augmentedRows, flipBatch } from './augment';

describe('flipBatch', () => {
  it('mirrors each NHWC image left to right, channels kept together', () => {
    // 2 images of 2x2: value = 100 * image + 10 * (y * 2 + x) + channel
    const data = Float32Array.from({ length: 2 * 2 * 2 * 3 }, (_, k) => {
      const c = k % 3, p = Math.floor(k / 3) % 4, i = Math.floor(k / 12);
      return 100 * i + 10 * p + c;
    });
    const out = flipBatch({ count: 2, size: 2, data });
    // image 1, row 0: pixels (0,1) become (1,0)
    expect(Array.from(out.data.subarray(12, 18))).toEqual([110, 111, 112, 100, 101, 102]);
    expect(Array.from(out.data.subarray(0, 6))).toEqual([10, 11, 12, 0, 1, 2]);
    expect(flipBatch(out).data).toEqual(data);
  });
  it('augmentedRows ties copy i to row i', () => {
    const r = augmentedRows({ count: 3, size: 1, data: new Float32Array(9) }, { count: 3, dim: 1, data: new Float32Array(3) });
    expect(Array.from(r.source)).toEqual([0, 1, 2]);
  });
});
