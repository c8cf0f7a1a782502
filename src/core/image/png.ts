/**
 * PNG -> RGBA8 through fast-png (pure JS). fast-png hands back raw samples in the file's own
 * colour type and bit depth; this module turns every variant (1/2/4/8/16-bit grey, grey+alpha,
 * palette with or without tRNS, RGB with a tRNS colour key, RGBA) into 8-bit RGBA.
 */
import { decode as decodePngRaw, type DecodedPng } from 'fast-png';
import type { RgbaImage } from '../types';
import { checkImageSize, errorText } from './limits';

/** Reads width/height from IHDR so the size limit applies before inflating anything. */
function readIhdr(bytes: Uint8Array): { width: number; height: number; depth: number; interlace: number } {
  if (bytes.length < 33) throw new Error('corrupt PNG: the file is truncated before its header ends');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (type !== 'IHDR') throw new Error('corrupt PNG: the first chunk is not IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20), depth: bytes[24], interlace: bytes[28] };
}

/** Decodes PNG bytes (signature already checked) into 8-bit RGBA; throws "corrupt PNG: ..." on bad data. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const head = readIhdr(bytes);
  checkImageSize(head.width, head.height, 'PNG');
  // fast-png de-interlaces sub-byte samples as if each took a whole byte; refuse rather than
  // return a scrambled picture.
  if (head.interlace === 1 && head.depth < 8)
    throw new Error(`unsupported PNG: interlaced (Adam7) with ${head.depth}-bit samples; re-save it without interlacing`);
  let png: DecodedPng;
  try {
    png = decodePngRaw(bytes);
  } catch (err) {
    throw new Error(`corrupt PNG: ${errorText(err)}`);
  }
  return toRgba(png);
}

/** Expands any fast-png result into RGBA8. Exported for tests only. */
export function toRgba(png: DecodedPng): RgbaImage {
  const { width, height, depth, channels } = png;
  const n = width * height;
  const samples = unpackSamples(png);
  if (samples.length < n * channels) throw new Error('corrupt PNG: the image data is truncated');
  const out = new Uint8ClampedArray(n * 4);
  const maxValue = (1 << depth) - 1;
  const to8 = depth === 8 ? (v: number) => v : (v: number) => Math.round((v * 255) / maxValue);

  if (png.palette) {
    const palette = png.palette;
    for (let i = 0; i < n; i++) {
      const entry = palette[samples[i]];
      if (!entry) throw new Error(`corrupt PNG: palette index ${samples[i]} is out of range`);
      out[i * 4] = entry[0];
      out[i * 4 + 1] = entry[1];
      out[i * 4 + 2] = entry[2];
      out[i * 4 + 3] = entry.length > 3 ? entry[3] : 255;
    }
    return { width, height, data: out };
  }

  // tRNS on grey/RGB images names one colour (in file units) that is fully transparent.
  const key = png.transparency;
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const o = i * 4;
    if (channels <= 2) {
      const g = to8(samples[s]);
      out[o] = out[o + 1] = out[o + 2] = g;
      out[o + 3] = channels === 2 ? to8(samples[s + 1]) : key && samples[s] === key[0] ? 0 : 255;
    } else {
      out[o] = to8(samples[s]);
      out[o + 1] = to8(samples[s + 1]);
      out[o + 2] = to8(samples[s + 2]);
      if (channels === 4) out[o + 3] = to8(samples[s + 3]);
      else
        out[o + 3] =
          key && key.length >= 3 && samples[s] === key[0] && samples[s + 1] === key[1] && samples[s + 2] === key[2]
            ? 0
            : 255;
    }
  }
  return { width, height, data: out };
}

/** One array entry per sample: unpacks 1/2/4-bit rows (each row starts on a byte boundary). */
function unpackSamples(png: DecodedPng): ArrayLike<number> {
  const { width, height, depth, channels, data } = png;
  if (depth >= 8) return data;
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  if (data.length < rowBytes * height) throw new Error('corrupt PNG: the image data is truncated');
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < perRow; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * perRow + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}
