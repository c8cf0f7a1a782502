import { describe, expect, it } from 'vitest';
import { DEFAULT_PREPROCESS, NORM_PRESETS, type PreprocessOptions } from '../options';
import type { RgbaImage } from '../types';
import { denormalise, encoderView, flattenAlpha, preprocessImages, resizeTo, toLayout } from './preprocess';
import { resample, taps } from './resample';

/** Grey image (r = g = b = v, opaque) from rows of values. */
function grey(rows: number[][]): RgbaImage {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8ClampedArray(width * height * 4);
  rows.flat().forEach((v, i) => data.set([v, v, v, 255], i * 4));
  return { width, height, data };
}
const redOf = (img: RgbaImage) => {
  const rows: number[][] = [];
  for (let y = 0; y < img.height; y++)
    rows.push(Array.from({ length: img.width }, (_, x) => img.data[(y * img.width + x) * 4]));
  return rows;
};
// x[r][c] = 10 * (4r + c)
const ramp4 = grey([0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => 10 * (4 * r + c))));

describe('resampling', () => {
  it('box filter 4x4 -> 2x2 gives the 2x2 block means', () => {
    // blocks: (0,10,40,50) -> 25, (20,30,60,70) -> 45, (80,90,120,130) -> 105, (100,110,140,150) -> 125
    expect(redOf(resizeTo(ramp4, 2, 'box'))).toEqual([
      [25, 45],
      [105, 125],
    ]);
  });

  it('triangle filter 4x4 -> 2x2 widens the support by the factor (PIL / torch antialias=True)', () => {
    // Output 0 weighs inputs 0,1,2 by 0.75,0.75,0.25 (/1.75): 10 * 5 * (1.25 / 1.75) = 35.71 -> 36.
    // torch.nn.functional.interpolate(..., mode='bilinear', antialias=True) gives 35.71, 51.43, 98.57, 114.29.
    expect(redOf(resizeTo(ramp4, 2))).toEqual([
      [36, 51],
      [99, 114],
    ]);
  });

  it('triangle 7 -> 3 on one row matches torch antialias (85.71, 134.12, 98.57)', () => {
    expect(redOf(resample(grey([[0, 100, 200, 50, 250, 30, 90]]), 3, 1))).toEqual([[86, 134, 99]]);
  });

  it('upscaling is plain bilinear with half-pixel centres', () => {
    // torch: [0,25,75,100], [50,58.75,76.25,85], [150,126.25,78.75,55], [200,160,80,40]
    expect(
      redOf(
        resizeTo(
          grey([
            [0, 100],
            [200, 40],
          ]),
          4,
        ),
      ),
    ).toEqual([
      [0, 25, 75, 100],
      [50, 59, 76, 85],
      [150, 126, 79, 55],
      [200, 160, 80, 40],
    ]);
  });

  it('same size is the identity (and a copy)', () => {
    const out = resizeTo(ramp4, 4);
    expect(Array.from(out.data)).toEqual(Array.from(ramp4.data));
    expect(out.data).not.toBe(ramp4.data);
  });

  it('non-square images are stretched to a square; weights always sum to 1', () => {
    const wide = grey([[10, 20, 30, 40, 50, 60, 70, 80]]);
    const out = resizeTo(wide, 2);
    expect([out.width, out.height]).toEqual([2, 2]);
    expect(redOf(out)[0]).toEqual(redOf(out)[1]);
    for (const [i, o] of [[100, 7], [7, 100], [32, 32], [1000, 32]]) {
      const t = taps(i, o, 'triangle');
      for (let k = 0; k < o; k++) {
        let sum = 0;
        for (let j = 0; j < t.count[k]; j++) sum += t.weights[k * t.width + j];
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });
});

describe('alpha and normalisation', () => {
  it('flattenAlpha composites c * a + bg * (1 - a)', () => {
    const img: RgbaImage = { width: 2, height: 1, data: Uint8ClampedArray.from([200, 0, 100, 51, 9, 9, 9, 0]) };
    // a = 0.2: 200*0.2 + 255*0.8 = 244, 0 + 0.8*0 = 0, 100*0.2 + 50*0.8 = 60
    expect(Array.from(flattenAlpha(img, [255, 0, 50]).data)).toEqual([244, 0, 60, 255, 255, 0, 50, 255]);
  });

  it('encoderView flattens before resizing, so transparent pixels do not bleed their colour', () => {
    const img: RgbaImage = { width: 2, height: 1, data: Uint8ClampedArray.from([0, 0, 0, 0, 255, 255, 255, 255]) };
    const view = encoderView(img, { size: 1, background: [255, 255, 255] });
    expect(Array.from(view.data)).toEqual([255, 255, 255, 255]);
  });

  it('preprocessImages: NHWC, (x/255 - mean) / std per channel', () => {
    const img: RgbaImage = { width: 1, height: 1, data: Uint8ClampedArray.from([255, 0, 51, 255]) };
    const opts: PreprocessOptions = { ...DEFAULT_PREPROCESS, size: 1, ...NORM_PRESETS.imagenet };
    const batch = preprocessImages([img, img], opts);
    expect(batch.count).toBe(2);
    expect(batch.size).toBe(1);
    const expected = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0.2 - 0.406) / 0.225];
    expect(Array.from(batch.data)).toHaveLength(6);
    batch.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i % 3], 5));
    expect(() => preprocessImages([img], { ...opts, std: [1, 0, 1] })).toThrow(/std must be positive/);
  });

  it('toLayout: NHWC as is, NCHW transposed per image', () => {
    // 2 images of 2x1 pixels (size would be square; layout only needs count and size*size)
    const data = Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => i);
    const batch = { count: 2, size: 2, data };
    expect(toLayout(batch, 'nhwc')).toBe(data);
    const nchw = toLayout(batch, 'nchw');
    // image 0, channel 1, pixels 0..3 = NHWC indices 1, 4, 7, 10
    expect(Array.from(nchw.slice(4, 8))).toEqual([1, 4, 7, 10]);
    // image 1, channel 2 = NHWC 12 + (2, 5, 8, 11)
    expect(Array.from(nchw.slice(20, 24))).toEqual([14, 17, 20, 23]);
  });

  it('denormalise inverts the normalisation and clamps', () => {
    const { mean, std } = NORM_PRESETS.minus1to1;
    const out = denormalise(Float32Array.from([-1, 0, 1, 5, -5, 0.5]), { mean, std });
    expect(Array.from(out)).toEqual([0, 128, 255, 255, 255, 0, 191, 255]);
    expect(() => denormalise([1, 2], { mean, std })).toThrow(/whole number of RGB pixels/);
  });

  it('round trip: preprocess then denormalise gives the encoder view back', () => {
    const img: RgbaImage = { width: 3, height: 3, data: Uint8ClampedArray.from({ length: 36 }, (_, i) => (i * 29) % 256) };
    const opts: PreprocessOptions = { ...DEFAULT_PREPROCESS, size: 2, ...NORM_PRESETS.clip };
    const back = denormalise(preprocessImages([img], opts).data, opts);
    expect(Array.from(back)).toEqual(Array.from(encoderView(img, opts).data));
  });
});
