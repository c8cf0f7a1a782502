import { describe, expect, it } from 'vitest';
import { resizeBatch } from './resample';
import { rebuildSizeFor } from '../options';

describe('resizeBatch (the decoder target of a large encoder)', () => {
  it('area-averages whole factors exactly, per channel and per image', () => {
    // Two 4x4 images downsampled to 2x2: each output pixel is the mean of a 2x2 block.
    const size = 4;
    const data = new Float32Array(2 * size * size * 3);
    for (let n = 0; n < 2; n++)
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const at = ((n * size + y) * size + x) * 3;
          data[at] = y * size + x; // 0..15
          data[at + 1] = n === 0 ? 1 : -1;
          data[at + 2] = x;
        }
    const out = resizeBatch({ count: 2, size, data }, 2);
    expect(out.size).toBe(2);
    const r = (n: number, y: number, x: number, c: number) => out.data[((n * 2 + y) * 2 + x) * 3 + c];
    // Top-left block: 0,1,4,5 -> 2.5; bottom-right: 10,11,14,15 -> 12.5.
    expect(r(0, 0, 0, 0)).toBeCloseTo(2.5, 6);
    expect(r(0, 1, 1, 0)).toBeCloseTo(12.5, 6);
    expect(r(1, 0, 1, 0)).toBeCloseTo(4.5, 6);
    expect(r(0, 0, 0, 1)).toBeCloseTo(1, 6);
    expect(r(1, 1, 0, 1)).toBeCloseTo(-1, 6);
    expect(r(1, 0, 1, 2)).toBeCloseTo(2.5, 6);
  });

  it('224 -> 32 keeps a constant image constant and the mean of any image', () => {
    const size = 224;
    const data = new Float32Array(size * size * 3);
    let mean = 0;
    for (let i = 0; i < data.length; i++) {
      data[i] = Math.sin(i * 0.37);
      mean += data[i];
    }
    const out = resizeBatch({ count: 1, size, data }, 32);
    let outMean = 0;
    for (const v of out.data) outMean += v;
    expect(outMean / out.data.length).toBeCloseTo(mean / data.length, 5);
    const flat = resizeBatch({ count: 1, size, data: new Float32Array(size * size * 3).fill(0.25) }, 32);
    expect(Math.max(...flat.data) - Math.min(...flat.data)).toBeLessThan(1e-6);
  });

  it('is the identity at the same size', () => {
    const b = { count: 1, size: 4, data: new Float32Array(48).fill(3) };
    expect(resizeBatch(b, 4)).toBe(b);
  });
});

describe('rebuildSizeFor', () => {
  it('rebuilds small encoders at their own size and large ones at 32 px', () => {
    expect(rebuildSizeFor(32, 4)).toBe(32);
    expect(rebuildSizeFor(28, 4)).toBe(28);
    expect(rebuildSizeFor(224, 4)).toBe(32);
    expect(rebuildSizeFor(225, 4)).toBe(32);
    expect(rebuildSizeFor(224, 4, 64)).toBe(64);
  });

  it('refuses a size the patch does not divide or larger than the input, saying what to use', () => {
    expect(() => rebuildSizeFor(30, 4)).toThrow(/not divisible by the decoder's patch size 4.*--rebuild-size 28/);
    expect(() => rebuildSizeFor(224, 4, 30)).toThrow(/whole multiple of the decoder's patch size 4/);
    expect(() => rebuildSizeFor(32, 4, 64)).toThrow(/larger than the encoder's input \(32 px\)/);
  });
});
