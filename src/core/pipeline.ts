/**
 * The scan's data steps, each callable on its own (the worker runs them one by one, the CLI
 * through runScan): files -> preprocessed images -> cached embeddings.
 */
import type { PreprocessOptions } from './options';
import type { Embeddings, Encoder, ImageBatch, ImageInput, SkippedFile } from './types';
import { isHiddenPath } from './image/decode';
import { resizeBatch } from './image/resample';
import { decodedChunks } from './decodeChunks';
import { embeddingKey, embeddingModelId, type EmbeddingStore } from './embedCache';
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

/** The usable images of a folder, named and hashed, without their pixels (checkImages). */
export type CheckedImages = Omit<LoadedImages, 'batch'>;

function visibleFiles<T extends ImageInput>(files: T[], what: string): T[] {
  files = files.filter((f) => !isHiddenPath(f.path));
  if (files.length === 0) throw new Error(`${what} is empty: it must hold PNG, JPEG, WebP or BMP images`);
  return files;
}

function noUsableImage(files: ImageInput[], skipped: SkippedFile[], what: string): Error {
  const first = skipped[0];
  return new Error(
    `none of the ${files.length} files in ${what} is a usable image (${first.path}: ${first.reason}): give a folder of PNG, JPEG, WebP or BMP images`,
  );
}

function concat(chunks: Float32Array[], length: number): Float32Array {
  const data = new Float32Array(length);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return data;
}

/**
 * Decodes `files` chunk by chunk (pre = null: to check them only), collecting the usable
 * paths, hashes and, when preprocessing, the pixels; the loop behind loadImages and checkImages.
 */
async function collectImages(files: ImageInput[], pre: PreprocessOptions | null, hooks: JobHooks, what: string) {
  files = visibleFiles(files, what);
  const clock = new EtaClock(files.length);
  const skipped: SkippedFile[] = [];
  const paths: string[] = [];
  const imageShas: string[] = [];
  const chunks: Float32Array[] = [];
  for await (const chunk of decodedChunks(files, pre, skipped, hooks)) {
    paths.push(...chunk.paths);
    imageShas.push(...chunk.imageShas);
    if (chunk.data.length > 0) chunks.push(chunk.data);
    hooks.onProgress?.({ phase: 'decoding', done: chunk.done, total: files.length, etaSeconds: clock.eta(chunk.done) });
  }
  if (paths.length === 0) throw noUsableImage(files, skipped, what);
  return { paths, imageShas, skipped, chunks };
}

/**
 * Decodes and preprocesses `files` (NHWC, normalised per `pre`), skipping non-images and
 * undecodable files with a reason. Throws when no usable image remains; `what` names the set.
 */
export async function loadImages(
  files: ImageInput[],
  pre: PreprocessOptions,
  hooks: JobHooks = {},
  what = 'the image folder',
): Promise<LoadedImages> {
  const { paths, imageShas, skipped, chunks } = await collectImages(files, pre, hooks, what);
  const data = concat(chunks, paths.length * pre.size * pre.size * 3);
  return { paths, batch: { count: paths.length, size: pre.size, data }, imageShas, skipped };
}

/**
 * Decodes every file once to list the unusable ones with a reason, keeping only paths and
 * hashes (the app's drop-time check: the pixels are decoded again, a chunk at a time, by
 * prepareImages when a run starts, so a dropped folder holds no decoded image in memory).
 */
export async function checkImages(files: ImageInput[], hooks: JobHooks = {}, what = 'the image folder'): Promise<CheckedImages> {
  const { paths, imageShas, skipped } = await collectImages(files, null, hooks, what);
  return { paths, imageShas, skipped };
}

/** What prepareImages hands the decoder: images at the rebuild size, their embeddings, and the time split. */
export interface PreparedImages extends LoadedImages {
  emb: Embeddings;
  /** Seconds spent decoding and embedding. */
  seconds: { decoding: number; embedding: number };
}

/**
 * The CLI's streamed path: decode, embed (cached) and downsample `files` one chunk at a time,
 * so the encoder-size floats of only one chunk are ever held (a 224-px folder keeps 49x less
 * than loadImages would); `batch` comes back at `rebuildSize`. Progress is reported as
 * 'embedding' over the files.
 */
export async function prepareImages(
  files: ImageInput[],
  encoder: Encoder,
  pre: PreprocessOptions,
  rebuildSize: number,
  store: EmbeddingStore,
  hooks: JobHooks = {},
  what = 'the image folder',
  batchSize = 64,
): Promise<PreparedImages> {
  files = visibleFiles(files, what);
  const clock = new EtaClock(files.length);
  const skipped: SkippedFile[] = [];
  const paths: string[] = [];
  const imageShas: string[] = [];
  const images: Float32Array[] = [];
  const embs: Float32Array[] = [];
  let dim = -1;
  const seconds = { decoding: 0, embedding: 0 };
  const chunks = decodedChunks(files, pre, skipped, hooks);
  for (;;) {
    let t = performance.now();
    const next = await chunks.next();
    seconds.decoding += (performance.now() - t) / 1000;
    if (next.done) break;
    const chunk = next.value;
    t = performance.now();
    if (chunk.paths.length > 0) {
      const batch = { count: chunk.paths.length, size: pre.size, data: chunk.data };
      const emb = await embedAll(encoder, batch, chunk.imageShas, pre, store, {}, batchSize);
      if (dim >= 0 && emb.dim !== dim) {
        throw new Error(`cached embeddings have different lengths (${emb.dim} vs ${dim}): clear the embedding cache`);
      }
      dim = emb.dim;
      embs.push(emb.data);
      images.push(resizeBatch(batch, rebuildSize).data);
      paths.push(...chunk.paths);
      imageShas.push(...chunk.imageShas);
    }
    seconds.embedding += (performance.now() - t) / 1000;
    hooks.onProgress?.({ phase: 'embedding', done: chunk.done, total: files.length, etaSeconds: clock.eta(chunk.done) });
  }
  if (paths.length === 0) throw noUsableImage(files, skipped, what);
  const n = paths.length;
  return {
    paths,
    imageShas,
    skipped,
    batch: { count: n, size: rebuildSize, data: concat(images, n * rebuildSize * rebuildSize * 3) },
    emb: { count: n, dim, data: concat(embs, n * dim) },
    seconds,
  };
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
  const keys = imageShas.map((sha) => embeddingKey(embeddingModelId(encoder.info), sha, pre));
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
