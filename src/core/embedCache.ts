/**
 * Embeddings are computed once per (model bytes, image bytes, preprocessing) and reused. The
 * key names all three; the stores behind it (memory here, files in the CLI, IndexedDB in the
 * app) are interchangeable adapters.
 */
import type { PreprocessOptions } from './options';
import type { EncoderInfo } from './types';

/**
 * Bumped whenever decoding or preprocessing changes what the encoder is fed (e.g. the resize
 * filter), so stale embeddings stop matching instead of being silently reused.
 */
export const PREPROCESS_VERSION = 1;

/**
 * The model part of every embedding key: its sha-256, plus the output used when the model has
 * several (embeddings of `image_embeds` and of `last_hidden_state` must never be mixed up).
 * Single-output models keep the plain sha, so their existing cache entries stay valid.
 */
export function embeddingModelId(info: Pick<EncoderInfo, 'sha256' | 'outputName' | 'outputs'>): string {
  return info.outputs.length > 1 ? `${info.sha256}#${info.outputName}` : info.sha256;
}

/** Cache key `emb<v>:<modelSha>:<imageSha>:<size>:<layout>:<mean>:<std>:<background>:<pooling>`; equal iff all inputs are. */
export function embeddingKey(modelSha: string, imageSha: string, pre: PreprocessOptions): string {
  const list = (v: readonly number[]) => v.map((x) => String(x)).join(',');
  return [
    `emb${PREPROCESS_VERSION}`,
    modelSha,
    imageSha,
    pre.size,
    pre.layout,
    list(pre.mean),
    list(pre.std),
    list(pre.background),
    pre.pooling,
  ].join(':');
}

/** Where embeddings persist between runs; `get` resolves undefined on a miss. */
export interface EmbeddingStore {
  get(key: string): Promise<Float32Array | undefined>;
  set(key: string, value: Float32Array): Promise<void>;
}

/** An in-memory store (tests, and the fallback when nothing persists); keeps copies so callers may reuse buffers. */
export class MemoryEmbeddingStore implements EmbeddingStore {
  private readonly entries = new Map<string, Float32Array>();

  async get(key: string): Promise<Float32Array | undefined> {
    const value = this.entries.get(key);
    return value ? value.slice() : undefined;
  }

  async set(key: string, value: Float32Array): Promise<void> {
    this.entries.set(key, value.slice());
  }

  get size(): number {
    return this.entries.size;
  }
}
