/**
 * JPEG -> RGBA8 through jpeg-js (pure JS): baseline and progressive, greyscale and YCbCr
 * (and Adobe CMYK/YCCK as far as jpeg-js goes). Arithmetic-coded and 12-bit files are rejected
 * by jpeg-js with an error we pass on in plain words.
 */
import jpeg from 'jpeg-js';
import type { RgbaImage } from '../types';
import { MAX_IMAGE_PIXELS, checkImageSize, errorText } from './limits';

/** Memory jpeg-js may use for one image (coefficients + output); far above any real photo. */
const MAX_JPEG_MEMORY_MB = 1024;

/** Width/height from the first SOF marker, or null when the marker stream ends first. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8] };
    if (marker === 0xda || length < 2) return null;
    i += 2 + length;
  }
  return null;
}

/** Decodes JPEG bytes (signature already checked) into RGBA; throws "corrupt or unsupported JPEG: ..." on bad data. */
export function decodeJpeg(bytes: Uint8Array): RgbaImage {
  const size = jpegSize(bytes);
  if (!size) throw new Error('corrupt JPEG: no frame header (SOF) found');
  checkImageSize(size.width, size.height, 'JPEG');
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
    });
  } catch (err) {
    const text = errorText(err);
    if (/maxMemoryUsageInMB|maxResolutionInMP/.test(text))
      throw new Error(`image too large: decoding this JPEG needs more than ${MAX_JPEG_MEMORY_MB} MB`);
    throw new Error(`corrupt or unsupported JPEG: ${text}`);
  }
  const { width, height, data } = decoded;
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4) };
}
