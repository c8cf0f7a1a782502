/**
 * A small BMP reader (no library covers BMP in pure JS well): uncompressed 1/4/8-bit palette,
 * 16-bit (5-5-5 or bit fields), 24-bit BGR and 32-bit BGRX/BGRA or bit fields; bottom-up and
 * top-down rows; BITMAPCOREHEADER (OS/2) and BITMAPINFOHEADER up to V5. RLE, JPEG and PNG
 * compression are refused with a clear message.
 */
import type { RgbaImage } from '../types';
import { checkImageSize } from './limits';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
  dataOffset: number;
  paletteOffset: number;
  paletteEntrySize: number;
  paletteCount: number;
  masks: [number, number, number, number] | null;
}

function readHeader(bytes: Uint8Array, view: DataView): BmpHeader {
  if (bytes.length < 26) throw new Error('corrupt BMP: the file is truncated before its header ends');
  const dataOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (dibSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit sizes, always bottom-up, 3-byte palette entries.
    const bpp = view.getUint16(24, true);
    return {
      width: view.getUint16(18, true),
      height: view.getUint16(20, true),
      topDown: false,
      bpp,
      compression: BI_RGB,
      dataOffset,
      paletteOffset: 26,
      paletteEntrySize: 3,
      paletteCount: bpp <= 8 ? 1 << bpp : 0,
      masks: null,
    };
  }
  if (dibSize < 40 || bytes.length < 14 + 40) throw new Error(`corrupt BMP: unknown header size ${dibSize}`);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  let paletteOffset = 14 + dibSize;
  let masks: BmpHeader['masks'] = null;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // Masks live inside V2+ headers, or right after a plain 40-byte header.
    const at = 54;
    const withAlpha = dibSize >= 56 || compression === BI_ALPHABITFIELDS;
    if (bytes.length < at + 16) throw new Error('corrupt BMP: the colour masks are truncated');
    masks = [
      view.getUint32(at, true),
      view.getUint32(at + 4, true),
      view.getUint32(at + 8, true),
      withAlpha ? view.getUint32(at + 12, true) : 0,
    ];
    if (dibSize === 40) paletteOffset += compression === BI_ALPHABITFIELDS ? 16 : 12;
  }
  // V4/V5 headers carry masks with BI_RGB too, but they only apply with BI_BITFIELDS.
  return {
    width: view.getInt32(18, true),
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bpp,
    compression,
    dataOffset,
    paletteOffset,
    paletteEntrySize: 4,
    paletteCount: bpp <= 8 ? colorsUsed || 1 << bpp : 0,
    masks,
  };
}

/** Shift and width of a bit mask, to scale any field to 0..255. */
function maskField(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Decodes BMP bytes ("BM" already checked) into RGBA; throws "corrupt BMP: ..." or "unsupported BMP: ...". */
export function decodeBmp(bytes: Uint8Array): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = readHeader(bytes, view);
  if (h.compression === 1 || h.compression === 2)
    throw new Error('unsupported BMP: RLE-compressed; re-save it uncompressed or as PNG');
  if (h.compression === 4 || h.compression === 5)
    throw new Error('unsupported BMP: embeds a JPEG/PNG stream; save it as that format instead');
  if (h.compression !== BI_RGB && h.compression !== BI_BITFIELDS && h.compression !== BI_ALPHABITFIELDS)
    throw new Error(`corrupt BMP: unknown compression ${h.compression}`);
  if (![1, 4, 8, 16, 24, 32].includes(h.bpp)) throw new Error(`corrupt BMP: ${h.bpp} bits per pixel`);
  checkImageSize(h.width, h.height, 'BMP');

  const { width, height } = h;
  const stride = Math.floor((h.bpp * width + 31) / 32) * 4;
  if (h.dataOffset + stride * height > bytes.length) throw new Error('corrupt BMP: the pixel data is truncated');
  const out = new Uint8ClampedArray(width * height * 4);

  // Palette (missing entries read as black, as browsers do).
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < Math.min(h.paletteCount, 256); i++) {
    const p = h.paletteOffset + i * h.paletteEntrySize;
    if (p + 3 > bytes.length) break;
    palette[i * 3] = bytes[p + 2];
    palette[i * 3 + 1] = bytes[p + 1];
    palette[i * 3 + 2] = bytes[p];
  }

  let masks = h.masks;
  if (!masks && h.bpp === 16) masks = [0x7c00, 0x03e0, 0x001f, 0];
  const fields = masks?.map(maskField);
  // BI_RGB 32-bit: the 4th byte is "reserved"; many writers put alpha there. Use it only
  // when some pixel has a non-zero value, else the image would be fully transparent.
  let useReservedAlpha = false;
  if (h.bpp === 32 && !masks) {
    for (let y = 0; y < height && !useReservedAlpha; y++)
      for (let x = 0; x < width; x++)
        if (bytes[h.dataOffset + y * stride + x * 4 + 3] !== 0) {
          useReservedAlpha = true;
          break;
        }
  }

  for (let y = 0; y < height; y++) {
    const row = h.dataOffset + (h.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (h.bpp <= 8) {
        const bit = x * h.bpp;
        const index = (bytes[row + (bit >> 3)] >> (8 - h.bpp - (bit & 7))) & ((1 << h.bpp) - 1);
        out[o] = palette[index * 3];
        out[o + 1] = palette[index * 3 + 1];
        out[o + 2] = palette[index * 3 + 2];
        out[o + 3] = 255;
      } else if (fields && masks) {
        const p = row + x * (h.bpp >> 3);
        const v = h.bpp === 16 ? view.getUint16(p, true) : h.bpp === 32 ? view.getUint32(p, true) : -1;
        if (v < 0) throw new Error('corrupt BMP: bit-field masks on a 24-bit image');
        for (let c = 0; c < 4; c++) {
          const f = fields[c];
          out[o + c] = f.max === 0 ? (c === 3 ? 255 : 0) : Math.round((((v & masks[c]) >>> f.shift) * 255) / f.max);
        }
      } else {
        const p = row + x * (h.bpp >> 3);
        out[o] = bytes[p + 2];
        out[o + 1] = bytes[p + 1];
        out[o + 2] = bytes[p];
        out[o + 3] = useReservedAlpha ? bytes[p + 3] : 255;
      }
    }
  }
  return { width, height, data: out };
}
