/**
 * The one decoding loop behind loadImages, checkImages and prepareImages (pipeline.ts): files
 * read a few ahead, decoded, hashed and reduced to the encoder's view, a chunk at a time.
 */
import type { PreprocessOptions } from './options';
import type { ImageInput, RgbaImage, SkippedFile } from './types';
import { decodeImage, isImagePath } from './image/decode';
import { errorText } from './image/limits';
import { encoderView, preprocessImages } from './image/preprocess';
import { sha256Hex } from './hash';
import { checkStop, yieldToLoop, type JobHooks } from './progress';

/** Images per step (progress, cancellation, one embedding batch). */
const DECODE_CHUNK = 64;

/**
 * Files being read at once. Reading one file at a time left the CPU waiting on each read (and
 * each hash) in turn; a few in flight keep it busy while bounding the compressed bytes held
 * (scripts/research/decode-speed.ts).
 */
export const READ_AHEAD = 8;

export interface DecodedChunk {
  paths: string[];
  imageShas: string[];
  /** The chunk's usable images, preprocessed at the encoder's size (NHWC). */
  data: Float32Array;
  /** Files looked at so far (for progress). */
  done: number;
}

type ReadResult = { bytes: Uint8Array } | { error: unknown };

/** The files' bytes in order, at most READ_AHEAD reads in flight ahead of the one taken. */
function readsInOrder(files: ImageInput[]): (i: number) => Promise<ReadResult> {
  const pending = new Map<number, Promise<ReadResult>>();
  let launched = 0;
  return (i) => {
    for (; launched < Math.min(files.length, i + READ_AHEAD); launched++) {
      const file = files[launched];
      pending.set(launched, 'bytes' in file ? Promise.resolve({ bytes: file.bytes }) : file.read().then((bytes) => ({ bytes }), (error: unknown) => ({ error })));
    }
    const r = pending.get(i)!;
    pending.delete(i); // the bytes are the caller's now; keep no reference to them
    return r;
  };
}

/**
 * Decodes and preprocesses `files` DECODE_CHUNK at a time, pushing the unusable ones (with a
 * reason) onto `skipped`. Each image
 * is reduced to the encoder's view as soon as it is decoded, so a chunk holds small images, never
 * DECODE_CHUNK full-size photos at once.
 */
export async function* decodedChunks(files: ImageInput[], pre: PreprocessOptions | null, skipped: SkippedFile[], hooks: JobHooks): AsyncGenerator<DecodedChunk> {
  const images = files.filter((f) => isImagePath(f.path));
  const read = readsInOrder(images);
  let next = 0;
  for (let start = 0; start < files.length; start += DECODE_CHUNK) {
    checkStop(hooks);
    const views: RgbaImage[] = [];
    const paths: string[] = [];
    const hashes: Promise<string>[] = [];
    const end = Math.min(files.length, start + DECODE_CHUNK);
    for (let i = start; i < end; i++) {
      const file = files[i];
      if (!isImagePath(file.path)) {
        skipped.push({ path: file.path, reason: 'not an image file name (PNG, JPEG, WebP or BMP expected)' });
        continue;
      }
      const got = await read(next++);
      if ('error' in got) {
        const code = (got.error as { code?: string }).code;
        skipped.push({ path: file.path, reason: `unreadable (${code ?? errorText(got.error)})` });
        continue;
      }
      try {
        // pre = null: decoded only to know the file is usable (checkImages); the pixels are dropped.
        const img = decodeImage(got.bytes, file.path);
        if (pre) views.push(encoderView(img, pre));
      } catch (err) {
        skipped.push({ path: file.path, reason: errorText(err) });
        continue;
      }
      paths.push(file.path);
      hashes.push(sha256Hex(got.bytes));
    }
    const imageShas = await Promise.all(hashes);
    const data = views.length > 0 && pre ? preprocessImages(views, pre).data : new Float32Array(0);
    yield { paths, imageShas, data, done: end };
    await yieldToLoop();
  }
}
