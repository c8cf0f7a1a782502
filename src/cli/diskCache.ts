/**
 * The CLI's embedding store: one small file per embedding under the cache folder, named by a
 * hash of core's cache key, so runs over the same images and model skip the encoder.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingStore } from '../core/embedCache';

/** `$XDG_CACHE_HOME/dede` when set, else `.cache/dede` under the current folder. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'dede') : path.join(cwd, '.cache', 'dede');
}

export class DiskEmbeddingStore implements EmbeddingStore {
  private writable = true;

  /** `onWriteError` is told once if the folder cannot be written (the scan goes on uncached). */
  constructor(
    private readonly dir: string,
    private readonly onWriteError: (message: string) => void = () => {},
  ) {}

  private fileFor(key: string): string {
    const h = createHash('sha256').update(key).digest('hex');
    return path.join(this.dir, 'embeddings', h.slice(0, 2), `${h.slice(2)}.f32`);
  }

  async get(key: string): Promise<Float32Array | undefined> {
    try {
      const buf = await readFile(this.fileFor(key));
      if (buf.byteLength % 4 !== 0 || buf.byteLength === 0) return undefined;
      // Copy into a fresh, aligned buffer (Buffer slices of the pool may be unaligned).
      const out = new Float32Array(buf.byteLength / 4);
      new Uint8Array(out.buffer).set(buf);
      return out;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: Float32Array): Promise<void> {
    if (!this.writable) return;
    const file = this.fileFor(key);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a killed run never leaves a half-written embedding behind.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      await rename(tmp, file);
    } catch (err) {
      this.writable = false;
      this.onWriteError(
        `warning: embedding cache ${this.dir} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'}); continuing without it`,
      );
    }
  }
}
