import { describe, expect, it } from 'vitest';
import { decodeBmp } from './bmp';

/** Minimal BMP writer for tests: BITMAPINFOHEADER (40) or V4 (108) header, any row order. */
function writeBmp(opts: {
  width: number;
  height: number;
  bpp: 1 | 4 | 8 | 16 | 24 | 32;
  topDown?: boolean;
  compression?: number;
  masks?: [number, number, number, number];
  palette?: [number, number, number][];
  /** Raw pixel values per pixel: palette index (<= 8 bpp), packed value (16/32 with masks) or [r,g,b(,a)]. */
  pixel: (x: number, y: number) => number | number[];
}): Uint8Array {
  const { width, height, bpp } = opts;
  const dibSize = opts.masks ? 108 : 40;
  const paletteBytes = (opts.palette?.length ?? 0) * 4;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const offset = 14 + dibSize + paletteBytes;
  const bytes = new Uint8Array(offset + stride * height);
  const v = new DataView(bytes.buffer);
  bytes[0] = 0x42;
  bytes[1] = 0x4d;
  v.setUint32(2, bytes.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, dibSize, true);
  v.setInt32(18, width, true);
  v.setInt32(22, opts.topDown ? -height : height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bpp, true);
  v.setUint32(30, opts.compression ?? (opts.masks ? 3 : 0), true);
  v.setUint32(46, opts.palette?.length ?? 0, true);
  if (opts.masks) opts.masks.forEach((m, i) => v.setUint32(54 + 4 * i, m, true));
  opts.palette?.forEach(([r, g, b], i) => {
    const p = 14 + dibSize + i * 4;
    bytes[p] = b;
    bytes[p + 1] = g;
    bytes[p + 2] = r;
  });
  for (let y = 0; y < height; y++) {
    const row = offset + (opts.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const px = opts.pixel(x, y);
      if (bpp <= 8) {
        const bit = x * bpp;
        bytes[row + (bit >> 3)] |= (px as number) << (8 - bpp - (bit & 7));
      } else if (typeof px === 'number') {
        if (bpp === 16) v.setUint16(row + x * 2, px, true);
        else v.setUint32(row + x * 4, px, true);
      } else {
        const p = row + x * (bpp / 8);
        bytes[p] = px[2];
        bytes[p + 1] = px[1];
        bytes[p + 2] = px[0];
        if (bpp === 32) bytes[p + 3] = px[3] ?? 0;
      }
    }
  }
  return bytes;
}

const rgbAt = (x: number, y: number) => [x * 50, y * 70, 255 - x * 10 - y];
const pixelOf = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) =>
  Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('decodeBmp', () => {
  it('reads 24-bit bottom-up rows with padding (width 3 -> 12-byte stride)', () => {
    const img = decodeBmp(writeBmp({ width: 3, height: 2, bpp: 24, pixel: rgbAt }));
    expect([img.width, img.height]).toEqual([3, 2]);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) expect(pixelOf(img, x, y)).toEqual([...rgbAt(x, y), 255]);
  });

  it('reads 24-bit top-down rows (negative height)', () => {
    const img = decodeBmp(writeBmp({ width: 2, height: 3, bpp: 24, topDown: true, pixel: rgbAt }));
    expect(pixelOf(img, 1, 2)).toEqual([...rgbAt(1, 2), 255]);
    expect(pixelOf(img, 0, 0)).toEqual([...rgbAt(0, 0), 255]);
  });

  it('32-bit BI_RGB: all-zero reserved bytes mean opaque, non-zero ones are alpha', () => {
    const opaque = decodeBmp(writeBmp({ width: 2, height: 2, bpp: 32, pixel: (x, y) => [...rgbAt(x, y), 0] }));
    expect(pixelOf(opaque, 1, 1)).toEqual([...rgbAt(1, 1), 255]);
    const alpha = decodeBmp(writeBmp({ width: 2, height: 2, bpp: 32, pixel: (x, y) => [...rgbAt(x, y), x * 100] }));
    expect(pixelOf(alpha, 0, 1)[3]).toBe(0);
    expect(pixelOf(alpha, 1, 1)[3]).toBe(100);
  });

  it('32-bit bit fields (V4 header) with an alpha mask', () => {
    const masks: [number, number, number, number] = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    const img = decodeBmp(
      writeBmp({ width: 1, height: 1, bpp: 32, masks, pixel: () => ((0x80 << 24) | (10 << 16) | (20 << 8) | 30) >>> 0 }),
    );
    expect(pixelOf(img, 0, 0)).toEqual([10, 20, 30, 0x80]);
  });

  it('16-bit 5-6-5 bit fields scale each field to 0..255', () => {
    const masks: [number, number, number, number] = [0xf800, 0x07e0, 0x001f, 0];
    // r = 31 (max) -> 255, g = 32 of 63 -> round(32 * 255 / 63) = 130, b = 0.
    const img = decodeBmp(writeBmp({ width: 1, height: 1, bpp: 16, masks, pixel: () => (31 << 11) | (32 << 5) }));
    expect(pixelOf(img, 0, 0)).toEqual([255, 130, 0, 255]);
  });

  it('8-bit and 1-bit palettes', () => {
    const palette: [number, number, number][] = [
      [0, 0, 0],
      [200, 100, 50],
      [1, 2, 3],
    ];
    const img8 = decodeBmp(writeBmp({ width: 3, height: 1, bpp: 8, palette, pixel: (x) => x }));
    expect(pixelOf(img8, 1, 0)).toEqual([200, 100, 50, 255]);
    expect(pixelOf(img8, 2, 0)).toEqual([1, 2, 3, 255]);
    const img1 = decodeBmp(writeBmp({ width: 9, height: 1, bpp: 1, palette: palette.slice(0, 2), pixel: (x) => x % 2 }));
    expect(pixelOf(img1, 8, 0)).toEqual([0, 0, 0, 255]);
    expect(pixelOf(img1, 7, 0)).toEqual([200, 100, 50, 255]);
  });

  it('refuses RLE and truncated files in plain words', () => {
    const rle = writeBmp({ width: 2, height: 2, bpp: 8, palette: [[0, 0, 0]], compression: 1, pixel: () => 0 });
    expect(() => decodeBmp(rle)).toThrow(/unsupported BMP: RLE/);
    const full = writeBmp({ width: 4, height: 4, bpp: 24, pixel: rgbAt });
    expect(() => decodeBmp(full.subarray(0, full.length - 10))).toThrow(/corrupt BMP: the pixel data is truncated/);
    expect(() => decodeBmp(full.subarray(0, 20))).toThrow(/corrupt BMP/);
  });
});
