/**
 * core's EmbeddingStore on IndexedDB: embeddings survive a reload, so re-running on the same
 * encoder, images and preprocessing skips the encoder entirely. Writes are buffered and
 * flushed in one transaction per batch, so caching never slows embedding down.
 */
import type { EmbeddingStore } from '../core/embedCache';
import { idbGetMany, idbSetMany } from './idb';

export class IdbEmbeddingStore implements EmbeddingStore {
  private readonly memory = new Map<string, Float32Array>();
  private pending = new Map<string, Float32Array>();

  /** Loads every key of a coming run in one transaction (core then asks one key at a time). */
  async prefetch(keys: string[]): Promise<void> {
    const missing = keys.filter((k) => !this.memory.has(k));
    const found = await idbGetMany<Float32Array>('embeddings', missing);
    found.forEach((value, i) => value instanceof Float32Array && this.memory.set(missing[i], value));
  }

  async get(key: string): Promise<Float32Array | undefined> {
    return this.memory.get(key)?.slice();
  }

  async set(key: string, value: Float32Array): Promise<void> {
    const copy = value.slice();
    this.memory.set(key, copy);
    this.pending.set(key, copy);
    if (this.pending.size >= 256) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await idbSetMany('embeddings', [...batch.entries()]);
  }
}
