/**
 * Separable resampling with the filter support widened by the downscale factor, the algorithm
 * of PIL's `Image.resize` (and of torchvision's / torch's `antialias=True`): each output pixel
 * is a normalised weighted sum of the input pixels under the filter centred on it, so
 * downscaling averages every input pixel instead of skipping most of them (aliasing), and
 * upscaling is plain bilinear with half-pixel centres.
 */
import type { RgbaImage } from '../types';

/** 'triangle' = PIL BILINEAR / torch antialias bilinear (default); 'box' = area average (PIL BOX). */
export type ResizeFilter = 'triangle' | 'box';

const FILTERS: Record<ResizeFilter, { support: number; weight: (x: number) => number }> = {
  triangle: { support: 1, weight: (x) => (x < 0 ? (x > -1 ? 1 + x : 0) : x < 1 ? 1 - x : 0) },
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
};

interface Taps {
  start: Int32Array;
  count: Int32Array;
  /** `outSize * width` weights, row o holds the taps of output pixel o. */
  weights: Float64Array;
  width: number;
}

/** Input span and normalised weights of every output pixel along one axis. */
export function taps(inSize: number, outSize: number, filter: ResizeFilter): Taps {
  const { support: baseSupport, weight } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(Math.floor(center - support + 0.5), 0);
    const hi = Math.min(Math.floor(center + support + 0.5), inSize);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const w = weight((i - center + 0.5) / filterScale);
      weights[o * width + i - lo] = w;
      total += w;
    }
    if (total > 0) for (let k = 0; k < hi - lo; k++) weights[o * width + k] /= total;
    start[o] = lo;
    count[o] = hi - lo;
  }
  return { start, count, weights, width };
}

/** Resamples every channel of `img` independently to `width x height` (flatten alpha first). */
export function resample(img: RgbaImage, width: number, height: number, filter: ResizeFilter = 'triangle'): RgbaImage {
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height)))
    throw new Error(`resize: target size must be positive whole pixels, got ${width} x ${height}`);
  if (img.width === width && img.height === height)
    return { width, height, data: new Uint8ClampedArray(img.data) };
  const src = img.data;
  const inW = img.width;
  const inH = img.height;

  // Horizontal pass: inH rows x width columns, kept in float to round only once at the end.
  const tx = taps(inW, width, filter);
  const mid = new Float32Array(inH * width * 4);
  for (let y = 0; y < inH; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      const first = (y * inW + tx.start[x]) * 4;
      for (let k = 0; k < tx.count[x]; k++) {
        const w = tx.weights[x * tx.width + k];
        const p = first + k * 4;
        r += w * src[p];
        g += w * src[p + 1];
        b += w * src[p + 2];
        a += w * src[p + 3];
      }
      const o = (y * width + x) * 4;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
      mid[o + 3] = a;
    }
  }

  // Vertical pass, a whole row at a time (contiguous reads, no per-pixel tap bookkeeping).
  const ty = taps(inH, height, filter);
  const out = new Uint8ClampedArray(width * height * 4);
  const rowLen = width * 4;
  const acc = new Float32Array(rowLen);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let k = 0; k < ty.count[y]; k++) {
      const w = ty.weights[y * ty.width + k];
      const base = (ty.start[y] + k) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += w * mid[base + i];
    }
    // Uint8ClampedArray clamps and rounds (half to even) on conversion.
    out.set(acc, y * rowLen);
  }
  return { width, height, data: out };
}

/**
 * Downsamples a float NHWC batch (already normalised) to `size` with the box filter (area
 * average; exact for whole factors such as 224 -> 32): the decoder's rebuild target when the
 * encoder's input is larger than the decoder rebuilds (options.rebuildSizeFor). Normalisation
 * is affine per channel, so averaging after it equals normalising the averaged pixels.
 */
export function resizeBatch(batch: { count: number; size: number; data: Float32Array }, size: number): { count: number; size: number; data: Float32Array } {
  if (batch.size === size) return batch;
  const t = taps(batch.size, size, 'box');
  const inS = batch.size;
  const out = new Float32Array(batch.count * size * size * 3);
  const row = new Float64Array(size * inS * 3);
  for (let n = 0; n < batch.count; n++) {
    const src = n * inS * inS * 3;
    // Horizontal pass: every input row -> `size` columns.
    for (let y = 0; y < inS; y++) {
      for (let o = 0; o < size; o++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < t.count[o]; k++) {
          const w = t.weights[o * t.width + k];
          const at = src + (y * inS + t.start[o] + k) * 3;
          r += w * batch.data[at];
          g += w * batch.data[at + 1];
          b += w * batch.data[at + 2];
        }
        const at = (y * size + o) * 3;
        row[at] = r;
        row[at + 1] = g;
        row[at + 2] = b;
      }
    }
    // Vertical pass.
    const dst = n * size * size * 3;
    for (let o = 0; o < size; o++) {
      for (let x = 0; x < size; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < t.count[o]; k++) {
          const w = t.weights[o * t.width + k];
          const at = ((t.start[o] + k) * size + x) * 3;
          r += w * row[at];
          g += w * row[at + 1];
          b += w * row[at + 2];
        }
        const at = dst + (o * size + x) * 3;
        out[at] = r;
        out[at + 1] = g;
        out[at + 2] = b;
      }
    }
  }
  return { count: batch.count, size, data: out };
}
