/**
 * From decoded RGBA to the encoder's input: flatten alpha onto the background, stretch to a
 * size x size square with an antialiasing filter, scale to [0,1], normalise by mean/std.
 * The same steps produce the preview image the app shows, so "what the encoder sees" is exact.
 */
import type { Layout, PreprocessOptions, RGB } from '../options';
import type { ImageBatch, RgbaImage } from '../types';
import { type ResizeFilter, resample } from './resample';

export type { ResizeFilter } from './resample';

/** Composites onto an opaque `background` (0..255): c' = c * a/255 + bg * (1 - a/255), alpha 255. */
export function flattenAlpha(img: RgbaImage, background: RGB): RgbaImage {
  const src = img.data;
  const out = new Uint8ClampedArray(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3] / 255;
    out[i] = src[i] * a + background[0] * (1 - a);
    out[i + 1] = src[i + 1] * a + background[1] * (1 - a);
    out[i + 2] = src[i + 2] * a + background[2] * (1 - a);
    out[i + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}

function isOpaque(img: RgbaImage): boolean {
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i] !== 255) return false;
  return true;
}

/** Stretches to `size x size` (aspect not kept, as DeDe does): triangle filter widened by the factor (PIL BILINEAR). */
export function resizeTo(img: RgbaImage, size: number, filter: ResizeFilter = 'triangle'): RgbaImage {
  return resample(img, size, size, filter);
}

/** Exactly the 8-bit picture the encoder will see: alpha flattened onto `background`, resized to `size`. */
export function encoderView(img: RgbaImage, opts: Pick<PreprocessOptions, 'size' | 'background'>): RgbaImage {
  const opaque = isOpaque(img) ? img : flattenAlpha(img, opts.background);
  return resizeTo(opaque, opts.size);
}

/** NHWC float32 batch of `encoderView` pixels, each channel c mapped to (x/255 - mean[c]) / std[c]. */
export function preprocessImages(images: RgbaImage[], opts: PreprocessOptions): ImageBatch {
  const { size, mean, std } = opts;
  if (std.some((s) => !(s > 0))) throw new Error(`std must be positive, got ${std.join(',')}`);
  const plane = size * size;
  const data = new Float32Array(images.length * plane * 3);
  // (x/255 - m)/s = x * (1/(255 s)) - m/s, with the per-channel constants hoisted.
  const [s0, s1, s2] = std.map((s) => 1 / (255 * s));
  const [o0, o1, o2] = mean.map((m, c) => m / std[c]);
  images.forEach((img, n) => {
    const view = encoderView(img, opts).data;
    let d = n * plane * 3;
    for (let p = 0; p < plane * 4; p += 4) {
      data[d++] = view[p] * s0 - o0;
      data[d++] = view[p + 1] * s1 - o1;
      data[d++] = view[p + 2] * s2 - o2;
    }
  });
  return { count: images.length, size, data };
}

/** The batch in `layout`: NHWC is returned as is (no copy), NCHW is a transposed copy. */
export function toLayout(batch: ImageBatch, layout: Layout): Float32Array {
  if (layout === 'nhwc') return batch.data;
  const { count, size, data } = batch;
  const plane = size * size;
  const out = new Float32Array(data.length);
  for (let n = 0; n < count; n++) {
    const base = n * plane * 3;
    for (let p = 0; p < plane; p++)
      for (let c = 0; c < 3; c++) out[base + c * plane + p] = data[base + p * 3 + c];
  }
  return out;
}

/** Inverse normalisation of NHWC values to opaque RGBA bytes: round(255 * (v * std[c] + mean[c])), clamped to 0..255. */
export function denormalise(values: ArrayLike<number>, opts: Pick<PreprocessOptions, 'mean' | 'std'>): Uint8ClampedArray {
  if (values.length % 3 !== 0) throw new Error(`denormalise: ${values.length} values is not a whole number of RGB pixels`);
  const pixels = values.length / 3;
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = 255 * (values[p * 3 + c] * opts.std[c] + opts.mean[c]);
    out[p * 4 + 3] = 255;
  }
  return out;
}
