import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage, isImagePath, sniffFormat } from './decode';
import { toRgba } from './png';
import { initWebp, isWebpReady } from './webp';

const pixel = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) =>
  Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

/** 1x1 24-bit BMP of one colour. */
function bmp1x1(r: number, g: number, b: number): Uint8Array {
  const bytes = new Uint8Array(58);
  const v = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  v.setUint32(2, 58, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, 1, true);
  v.setInt32(22, 1, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  bytes.set([b, g, r], 54);
  return bytes;
}

// Made with libwebp (quality 90 / lossless, exact) from the pixels described in each test.
const WEBP = {
  // 4x3, pixel (x, y) = [60x, 100y, 200 - 20x - 10y, 255]
  lossless: 'UklGRj4AAABXRUJQVlA4TDEAAAAvA4AAAF9AkG0zrAPV3+IOwyMWTPIni2j3/PcgB9hcAIIAEqUUUhhuhRVGjeh/UJcDAA==',
  // same with alpha 0 at (0,0) and 128 at (1,0)
  losslessAlpha:
    'UklGRk4AAABXRUJQVlA4TEIAAAAvA4AAEF9AkG1TrMMO6IgCgSSw8Qcz0jYSPzz/el5M8WMBQdF1ywXnLMREHBnHceoDQQAJS04ZLDHLFONG9D/uSgA=',
  // 8x8 flat [200, 100, 50], lossy (VP8)
  lossy: 'UklGRj4AAABXRUJQVlA4IDIAAADQAQCdASoIAAgAAMASJaACdLoB+AADsAD+2ib/7vN+09e09f1M//jKnyA/4yp/xcwAAA==',
  // 8x8 flat [200, 100, 50], top 4 rows transparent, lossy + ALPH (VP8X)
  lossyAlpha:
    'UklGRmQAAABXRUJQVlA4WAoAAAAQAAAABwAABwAAQUxQSAwAAAABDzD/ERFi/iP6H/BWUDggMgAAANABAJ0BKggACAAAwBIloAJ0ugH4AAOwAP7aJv/u837T17T1/Uz/+MqfID/jKn/FzAAA',
};
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('isImagePath', () => {
  it('accepts the five extensions in any case, nothing else', () => {
    for (const p of ['a.png', 'dir/b.JPG', 'c.jpeg', 'd.WebP', 'e.bmp', 'x/y.z.Png']) expect(isImagePath(p)).toBe(true);
    for (const p of ['a.gif', 'png', '.png', 'dir.png/readme', 'a.png.txt', 'a.tif', 'labels.csv'])
      expect(isImagePath(p)).toBe(false);
  });
});

describe('decodeImage: PNG', () => {
  it('RGBA 8-bit round-trips exactly', () => {
    const data = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
    const img = decodeImage(encodePng({ width: 3, height: 2, data, channels: 4, depth: 8 }));
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(Array.from(img.data)).toEqual(Array.from(data));
  });

  it('greyscale -> three equal channels, opaque', () => {
    const img = decodeImage(encodePng({ width: 2, height: 1, data: Uint8Array.from([10, 250]), channels: 1, depth: 8 }));
    expect(pixel(img, 0, 0)).toEqual([10, 10, 10, 255]);
    expect(pixel(img, 1, 0)).toEqual([250, 250, 250, 255]);
  });

  it('grey + alpha and RGB', () => {
    const ga = decodeImage(encodePng({ width: 1, height: 1, data: Uint8Array.from([77, 9]), channels: 2, depth: 8 }));
    expect(pixel(ga, 0, 0)).toEqual([77, 77, 77, 9]);
    const rgb = decodeImage(encodePng({ width: 1, height: 1, data: Uint8Array.from([1, 2, 3]), channels: 3, depth: 8 }));
    expect(pixel(rgb, 0, 0)).toEqual([1, 2, 3, 255]);
  });

  it('16-bit samples scale to 8 bits by v * 255 / 65535', () => {
    const data = Uint16Array.from([65535, 0, 32896, 257]); // -> 255, 0, 128, 1
    const img = decodeImage(encodePng({ width: 1, height: 1, data, channels: 4, depth: 16 }));
    expect(pixel(img, 0, 0)).toEqual([255, 0, 128, 1]);
  });

  it('2-bit greyscale unpacks and scales (3 -> 255, 1 -> 85)', () => {
    // One row of 5 pixels: values 3,1,0,2,3 packed MSB first: 11 01 00 10 | 11 000000
    const data = Uint8Array.from([0b11010010, 0b11000000]);
    const img = decodeImage(encodePng({ width: 5, height: 1, data, channels: 1, depth: 2 }));
    expect([0, 1, 2, 3, 4].map((x) => pixel(img, x, 0)[0])).toEqual([255, 85, 0, 170, 255]);
  });

  it('palette with tRNS alpha', () => {
    // Translucent entries first: fast-png's encoder writes tRNS for those only (a valid file only then).
    const palette = [
      [0, 0, 255, 0],
      [255, 0, 0, 255],
    ];
    const img = decodeImage(encodePng({ width: 2, height: 1, data: Uint8Array.from([0, 1]), channels: 1, depth: 8, palette }));
    expect(pixel(img, 0, 0)).toEqual([0, 0, 255, 0]);
    expect(pixel(img, 1, 0)).toEqual([255, 0, 0, 255]);
  });

  it('colour-key tRNS on grey/RGB makes that one colour transparent', () => {
    const base = { width: 2, height: 1, depth: 16 as const, text: {} };
    const grey = toRgba({ ...base, channels: 1, data: Uint16Array.from([1000, 2000]), transparency: Uint16Array.from([2000]) });
    expect(grey.data[3]).toBe(255);
    expect(grey.data[7]).toBe(0);
    const rgb = toRgba({
      ...base,
      depth: 8,
      channels: 3,
      data: Uint8Array.from([1, 2, 3, 4, 5, 6]),
      transparency: Uint16Array.from([1, 2, 3]),
    });
    expect(pixel(rgb, 0, 0)).toEqual([1, 2, 3, 0]);
    expect(pixel(rgb, 1, 0)).toEqual([4, 5, 6, 255]);
  });

  it('Adam7-interlaced 8-bit decodes; interlaced sub-byte is refused clearly', () => {
    const data = Uint8Array.from({ length: 9 * 9 * 3 }, (_, i) => (i * 7) % 256);
    const img = decodeImage(encodePng({ width: 9, height: 9, data, channels: 3, depth: 8 }, { interlace: 'Adam7' }));
    expect(pixel(img, 8, 8)).toEqual([...data.slice(80 * 3, 81 * 3), 255]);
    const one = encodePng({ width: 8, height: 1, data: Uint8Array.from([0xaa]), channels: 1, depth: 1 }, { interlace: 'Adam7' });
    expect(() => decodeImage(one)).toThrow(/unsupported PNG: interlaced/);
  });

  it('corrupt, truncated and oversized PNGs give plain reasons', () => {
    const good = encodePng({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 3).fill(9), channels: 3, depth: 8 });
    expect(() => decodeImage(good.subarray(0, 20))).toThrow(/corrupt PNG: .*truncated/);
    const garbage = good.slice();
    garbage.fill(0xab, 41, good.length - 12); // inside IDAT
    expect(() => decodeImage(garbage)).toThrow(/^corrupt PNG/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(16, 20000);
    new DataView(huge.buffer).setUint32(20, 20000);
    expect(() => decodeImage(huge)).toThrow(/image too large \(20000 x 20000 pixels/);
  });
});

describe('decodeImage: JPEG', () => {
  it('decodes a jpeg-js encoded flat image to about the same colour', () => {
    const w = 16;
    const h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([200, 100, 50, 255], i * 4);
    const img = decodeImage(jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
    expect([img.width, img.height]).toEqual([16, 8]);
    const [r, g, b, a] = pixel(img, 5, 5);
    expect(Math.abs(r - 200) + Math.abs(g - 100) + Math.abs(b - 50)).toBeLessThan(8);
    expect(a).toBe(255);
  });

  it('garbage after the SOI marker is a corrupt JPEG', () => {
    const bytes = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xc0, 0, 17, 8, 0, 8, 0, 8, 3, 9, 9, 9, 9]);
    expect(() => decodeImage(bytes)).toThrow(/^corrupt or unsupported JPEG/);
    expect(() => decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]))).toThrow(/corrupt JPEG: no frame header/);
  });
});

describe('decodeImage: BMP and sniffing', () => {
  it('decodes a BMP and sniffs by content, not by name', () => {
    const img = decodeImage(bmp1x1(12, 34, 56), 'photo.png');
    expect(pixel(img, 0, 0)).toEqual([12, 34, 56, 255]);
    expect(sniffFormat(bmp1x1(0, 0, 0))).toBe('bmp');
  });

  it('non-images get a reason the analyst can act on', () => {
    expect(() => decodeImage(new Uint8Array(0))).toThrow('empty file');
    expect(() => decodeImage(new TextEncoder().encode('hello, world'), 'a.png')).toThrow(
      'not an image (PNG, JPEG, WebP or BMP expected), although its name ends in .png',
    );
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'notes.txt')).toThrow(
      /^not an image \(PNG, JPEG, WebP or BMP expected\)$/,
    );
    expect(() => decodeImage(new TextEncoder().encode('GIF89a....'))).toThrow(/GIF is not supported/);
    expect(() => decodeImage(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\n'))).toThrow(/git lfs pull/);
  });
});

describe('decodeImage: WebP', () => {
  it('explains a missing initWebp instead of failing obscurely', () => {
    expect(isWebpReady()).toBe(false);
    expect(() => decodeImage(fromB64(WEBP.lossless))).toThrow(/WebP decoder not initialised/);
  });

  it('decodes lossless, lossless+alpha, lossy and lossy+alpha (VP8X) files', () => {
    const wasmPath = createRequire(import.meta.url).resolve('@cwasm/webp/webp.wasm');
    initWebp(new Uint8Array(readFileSync(wasmPath)));
    expect(isWebpReady()).toBe(true);

    const lossless = decodeImage(fromB64(WEBP.lossless));
    expect([lossless.width, lossless.height]).toEqual([4, 3]);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 4; x++) expect(pixel(lossless, x, y)).toEqual([60 * x, 100 * y, 200 - 20 * x - 10 * y, 255]);

    const alpha = decodeImage(fromB64(WEBP.losslessAlpha));
    expect(pixel(alpha, 0, 0)[3]).toBe(0);
    expect(pixel(alpha, 1, 0)).toEqual([60, 0, 180, 128]);

    const lossy = decodeImage(fromB64(WEBP.lossy));
    const [r, g, b, a] = pixel(lossy, 3, 3);
    expect(Math.abs(r - 200) + Math.abs(g - 100) + Math.abs(b - 50)).toBeLessThan(6);
    expect(a).toBe(255);

    const lossyAlpha = decodeImage(fromB64(WEBP.lossyAlpha));
    expect([lossyAlpha.width, lossyAlpha.height]).toEqual([8, 8]);
    expect(pixel(lossyAlpha, 0, 0)[3]).toBe(0);
    expect(pixel(lossyAlpha, 0, 7)[3]).toBe(255);
  });

  it('corrupt WebP data is reported, and the decoder still works afterwards', () => {
    const bad = fromB64(WEBP.lossy);
    bad.fill(0x5a, 30);
    expect(() => decodeImage(bad)).toThrow(/^corrupt WebP/);
    const truncated = fromB64(WEBP.lossless).subarray(0, 40);
    expect(() => decodeImage(truncated)).toThrow(/^corrupt WebP/);
    expect(() => decodeImage(fromB64(WEBP.lossless).subarray(0, 20))).toThrow(/corrupt WebP: the file is truncated/);
    expect(decodeImage(fromB64(WEBP.lossless)).width).toBe(4);
  });
});
