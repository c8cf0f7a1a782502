/**
 * The scan's data steps, each callable on its own (the worker runs them one by one, the CLI
 * through runScan): files -> preprocessed images -> cached embeddings.
 */
import type { PreprocessOptions } from './options';
import type { Embeddings, Encoder, ImageBatch, InputFile, SkippedFile } from './types';
import { decodeImage, isHiddenPath, isImagePath } from './image/decode';
import { errorText } from './image/limits';
import { preprocessImages } from './image/preprocess';
import { sha256Hex } from './hash';
import { embeddingKey, type EmbeddingStore } from './embedCache';
import { EtaClock, checkStop, yieldToLoop, type JobHooks } from './progress';

export { CancelledError, EtaClock, type JobHooks } from './progress';

/** Images decoded, flattened, resized and normalised, with the files that could not be used. */
export interface LoadedImages {
  /** Paths of the usable images, in input order; row i of `batch` is `paths[i]`. */
  paths: string[];
  batch: ImageBatch;
  /** sha-256 of each usable file's bytes (the embedding cache key). */
  imageShas: string[];
  skipped: SkippedFile[];
}

/** Images decoded per step; bounds the RGBA held at once when photos are large. */
const DECODE_CHUNK = 64;

/**
 * Decodes and preprocesses `files` (NHWC, normalised per `pre`), skipping non-images and
 * undecodable files with a reason. Throws when no usable image remains; `what` names the set.
 */
export async function loadImages(
  files: InputFile[],
  pre: PreprocessOptions,
  hooks: JobHooks = {},
  what = 'the image folder',
): Promise<LoadedImages> {
  files = files.filter((f) => !isHiddenPath(f.path));
  if (files.length === 0) throw new Error(`${what} is empty: it must hold PNG, JPEG, WebP or BMP images`);
  const stride = pre.size * pre.size * 3;
  const clock = new EtaClock(files.length);
  const skipped: SkippedFile[] = [];
  const paths: string[] = [];
  const imageShas: string[] = [];
  const chunks: Float32Array[] = [];
  for (let start = 0; start < files.length; start += DECODE_CHUNK) {
    checkStop(hooks);
    const decoded = [];
    const chunkFiles = files.slice(start, start + DECODE_CHUNK);
    for (const file of chunkFiles) {
      if (!isImagePath(file.path)) {
        skipped.push({ path: file.path, reason: 'not an image file name (PNG, JPEG, WebP or BMP expected)' });
        continue;
      }
      try {
        decoded.push(decodeImage(file.bytes, file.path));
      } catch (err) {
        skipped.push({ path: file.path, reason: errorText(err) });
        continue;
      }
      paths.push(file.path);
      imageShas.push(await sha256Hex(file.bytes));
    }
    if (decoded.length > 0) chunks.push(preprocessImages(decoded, pre).data);
    const done = Math.min(files.length, start + chunkFiles.length);
    hooks.onProgress?.({ phase: 'decoding', done, total: files.length, etaSeconds: clock.eta(done) });
    await yieldToLoop();
  }
  if (paths.length === 0) {
    const first = skipped[0];
    throw new Error(
      `none of the ${files.length} files in ${what} is a usable image (${first.path}: ${first.reason}): give a folder of PNG, JPEG, WebP or BMP images`,
    );
  }
  const data = new Float32Array(paths.length * stride);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { paths, batch: { count: paths.length, size: pre.size, data }, imageShas, skipped };
}

/**
 * Embeds every image of `batch` with the frozen encoder, reusing `store` entries keyed by
 * (model sha, image sha, preprocessing); only misses run, `batchSize` images per call.
 */
export async function embedAll(
  encoder: Encoder,
  batch: ImageBatch,
  imageShas: string[],
  pre: PreprocessOptions,
  store: EmbeddingStore,
  hooks: JobHooks = {},
  batchSize = 64,
): Promise<Embeddings> {
  const n = batch.count;
  const stride = batch.size * batch.size * 3;
  const rows: (Float32Array | null)[] = new Array(n).fill(null);
  const keys = imageShas.map((sha) => embeddingKey(encoder.info.sha256, sha, pre));
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    const hit = await store.get(keys[i]);
    if (hit) rows[i] = hit;
    else missing.push(i);
  }
  const clock = new EtaClock(missing.length);
  let done = n - missing.length;
  hooks.onProgress?.({ phase: 'embedding', done, total: n, etaSeconds: missing.length === 0 ? 0 : null });
  for (let start = 0; start < missing.length; start += batchSize) {
    checkStop(hooks);
    const idx = missing.slice(start, start + batchSize);
    const data = new Float32Array(idx.length * stride);
    idx.forEach((row, k) => data.set(batch.data.subarray(row * stride, (row + 1) * stride), k * stride));
    const out = await encoder.embed({ count: idx.length, size: batch.size, data }, pre);
    for (let k = 0; k < idx.length; k++) {
      const row = out.data.slice(k * out.dim, (k + 1) * out.dim);
      rows[idx[k]] = row;
      await store.set(keys[idx[k]], row);
    }
    done += idx.length;
    hooks.onProgress?.({
      phase: 'embedding',
      done,
      total: n,
      etaSeconds: clock.eta(start + idx.length),
    });
    await yieldToLoop();
  }
  const dim = rows[0]?.length ?? 0;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== dim) {
      throw new Error(`cached embeddings have different lengths (${row.length} vs ${dim}): clear the embedding cache`);
    }
    out.set(row, i * dim);
  }
  return { count: n, dim, data: out };
}
