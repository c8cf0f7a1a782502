/**
 * One entry point for every image the analyst brings: the format is sniffed from the bytes
 * (a `.png` that is really a JPEG still decodes), and every failure is an Error whose message
 * can be shown as-is next to the file in the "skipped" list.
 */
import type { RgbaImage } from '../types';
import { decodeBmp } from './bmp';
import { decodeJpeg } from './jpeg';
import { decodePng } from './png';
import { decodeWebp } from './webp';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp';

const EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'bmp'];
const EXPECTED = 'PNG, JPEG, WebP or BMP expected';

/** True when the path's extension (case-insensitive) is png, jpg, jpeg, webp or bmp: the folder-walk filter. */
/**
 * Dot-files and anything inside a dot-folder (.DS_Store, ._photo.jpg, .git/): system and tool
 * files, never the analyst's images. Left out of every input set, in the CLI and the app alike,
 * without being listed as skipped.
 */
export function isHiddenPath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') && part !== '.' && part !== '..');
}

export function isImagePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The format named by the file's magic bytes, or null. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 14) return 'bmp';
  return null;
}

/** Names formats we recognise but do not decode, so the message tells the analyst what to convert. */
function describeUnknown(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty file';
  const head = String.fromCharCode(...bytes.subarray(0, 64));
  if (head.startsWith('GIF8')) return `GIF is not supported (${EXPECTED}); convert it to PNG`;
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return `TIFF is not supported (${EXPECTED})`;
  if (head.slice(4, 8) === 'ftyp') return `HEIC/AVIF is not supported (${EXPECTED})`;
  if (head.startsWith('version https://git-lfs'))
    return 'a Git LFS pointer, not the image itself: run `git lfs pull` first';
  if (head.startsWith('<svg') || head.startsWith('<?xml')) return `SVG/XML is not supported (${EXPECTED})`;
  return `not an image (${EXPECTED})`;
}

/**
 * Decodes PNG, JPEG, WebP or BMP bytes (sniffed, not by extension) into 8-bit RGBA (grey ->
 * r=g=b, alpha kept); throws an Error with a plain-words reason. `path` only shapes messages.
 */
export function decodeImage(bytes: Uint8Array, path?: string): RgbaImage {
  const format = sniffFormat(bytes);
  switch (format) {
    case 'png':
      return decodePng(bytes);
    case 'jpeg':
      return decodeJpeg(bytes);
    case 'webp':
      return decodeWebp(bytes);
    case 'bmp':
      return decodeBmp(bytes);
    default: {
      const reason = describeUnknown(bytes);
      const named = path && isImagePath(path) ? `, although its name ends in ${path.slice(path.lastIndexOf('.'))}` : '';
      throw new Error(reason.startsWith('not an image') && named ? `${reason}${named}` : reason);
    }
  }
}
