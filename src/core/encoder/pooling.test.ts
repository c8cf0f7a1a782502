import { describe, expect, it } from 'vitest';
import { assertFiniteEmbeddings, declaredEmbDim, inferInputGeometry, poolOutput } from './pooling';

describe('poolOutput', () => {
  it('passes [B, C] through', () => {
    const r = poolOutput([1, 2, 3, 4], [2, 2], null, 'mean');
    expect(r.dim).toBe(2);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
  });

  it('means tokens of [B, T, C] and keeps the first token with "first"', () => {
    // b0: tokens (1,10) (3,30); b1: tokens (5,50) (7,70)
    const data = [1, 10, 3, 30, 5, 50, 7, 70];
    expect(Array.from(poolOutput(data, [2, 2, 2], null, 'mean').data)).toEqual([2, 20, 6, 60]);
    expect(Array.from(poolOutput(data, [2, 2, 2], null, 'first').data)).toEqual([1, 10, 5, 50]);
  });

  it('means spatial positions of NCHW [B, C, H, W] per channel', () => {
    // one image, channel 0 = 1 2 3 4, channel 1 = 10 20 30 40 (2 x 2)
    const r = poolOutput([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2], 'nchw', 'mean');
    expect(r.dim).toBe(2);
    expect(Array.from(r.data)).toEqual([2.5, 25]);
  });

  it('means spatial positions of NHWC [B, H, W, C] per channel', () => {
    // the same image as above, channels last
    const r = poolOutput([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2], 'nhwc', 'mean');
    expect(Array.from(r.data)).toEqual([2.5, 25]);
  });
});

describe('inferInputGeometry', () => {
  it('reads the channel axis and fixed size', () => {
    expect(inferInputGeometry([-1, 3, 32, 32])).toEqual({ layout: 'nchw', inputSize: 32 });
    expect(inferInputGeometry([1, 64, 64, 3])).toEqual({ layout: 'nhwc', inputSize: 64 });
    expect(inferInputGeometry([-1, 3, -1, -1])).toEqual({ layout: 'nchw', inputSize: null });
    expect(inferInputGeometry([-1, -1, -1, -1])).toEqual({ layout: null, inputSize: null });
  });

  it('refuses non-image and non-square inputs', () => {
    expect(() => inferInputGeometry([-1, 128])).toThrow(/rank 4/);
    expect(() => inferInputGeometry([-1, 3, 32, 48])).toThrow(/square/);
  });
});

describe('declaredEmbDim and assertFiniteEmbeddings', () => {
  it('finds the feature length where the shape fixes it', () => {
    expect(declaredEmbDim([-1, 128], 'nchw')).toBe(128);
    expect(declaredEmbDim([-1, 8, -1, -1], 'nchw')).toBe(8);
    expect(declaredEmbDim([-1, -1, -1, 8], 'nhwc')).toBe(8);
    expect(declaredEmbDim([-1, -1], 'nchw')).toBeNull();
  });

  it('rejects NaN and infinities', () => {
    expect(() => assertFiniteEmbeddings(Float32Array.from([0, 1]))).not.toThrow();
    expect(() => assertFiniteEmbeddings(Float32Array.from([0, NaN]))).toThrow(/NaN or infinite/);
    expect(() => assertFiniteEmbeddings(Float32Array.from([Infinity]))).toThrow(/NaN or infinite/);
  });
});
