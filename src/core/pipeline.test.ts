import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { MemoryEmbeddingStore } from './embedCache';
import { DEFAULT_PREPROCESS, type PreprocessOptions } from './options';
import { checkImages, embedAll, loadImages, prepareImages } from './pipeline';
import { READ_AHEAD } from './decodeChunks';
import type { Encoder, ImageBatch, InputFile, LazyInputFile, Progress } from './types';

/** A solid size x size PNG of one colour. */
function solidPng(rgb: [number, number, number], size = 4): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) data.set(rgb, p * 3);
  return encode({ width: size, height: size, data, channels: 3, depth: 8 });
}

const pre: PreprocessOptions = { ...DEFAULT_PREPROCESS, size: 4, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

describe('lazy image files (the CLI reads a folder this way)', () => {
  it('reads each file only when its chunk is decoded (a few ahead), and skips one that cannot be read with the reason', async () => {
    const png = solidPng([10, 20, 30]);
    let reads = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const files: LazyInputFile[] = Array.from({ length: 130 }, (_, i) => ({
      path: `img${String(i).padStart(3, '0')}.png`,
      read: async () => {
        reads++;
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        // Reads finish out of order, as a disk's do.
        await new Promise((r) => setTimeout(r, (i * 7) % 5));
        inFlight--;
        if (i === 5) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return png;
      },
    }));
    const readsAtProgress: number[] = [];
    const r = await loadImages(files, pre, { onProgress: () => readsAtProgress.push(reads) });
    // Chunks of 64: when the first chunk is reported, its files and at most READ_AHEAD - 1
    // of the next have been read; several reads were in flight, never more than READ_AHEAD.
    expect(readsAtProgress[0]).toBeGreaterThanOrEqual(64);
    expect(readsAtProgress[0]).toBeLessThanOrEqual(64 + READ_AHEAD - 1);
    expect(readsAtProgress.at(-1)).toBe(130);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(READ_AHEAD);
    expect(r.batch.count).toBe(129);
    expect(r.skipped).toEqual([{ path: 'img005.png', reason: 'unreadable (EACCES)' }]);
    // Rows stay in file order whatever order the reads finished in.
    expect(r.paths).toEqual(files.map((f) => f.path).filter((p) => p !== 'img005.png'));
  });

  it('keeps rows, hashes and skip reasons in file order when reads finish out of order', async () => {
    const colours: [number, number, number][] = Array.from({ length: 20 }, (_, i) => [i * 10, 255 - i * 10, i]);
    const files: LazyInputFile[] = colours.map((c, i) => ({
      path: i % 6 === 3 ? `n${i}.txt` : `c${i}.png`,
      read: async () => {
        await new Promise((r) => setTimeout(r, 20 - i));
        return i % 7 === 4 ? new Uint8Array([9, 9, 9]) : solidPng(c);
      },
    }));
    const lazy = await loadImages(files, pre);
    const eager = await loadImages(
      await Promise.all(files.map(async (f) => ({ path: f.path, bytes: await f.read() }) as InputFile)),
      pre,
    );
    expect(lazy).toEqual(eager);
    expect(lazy.skipped.map((s) => s.path)).toEqual(['n3.txt', 'c4.png', 'n9.txt', 'c11.png', 'n15.txt', 'c18.png']);
  });

  it("checkImages (the app's drop-time check) lists the usable files and the skipped ones, reading each once and keeping no pixels", async () => {
    const png = solidPng([10, 20, 30]);
    const reads = new Map<string, number>();
    const lazy = (path: string, bytes: Uint8Array): LazyInputFile => ({
      path,
      read: async () => {
        reads.set(path, (reads.get(path) ?? 0) + 1);
        return bytes;
      },
    });
    const files = [lazy('a.png', png), lazy('broken.png', new Uint8Array([1, 2, 3])), lazy('b.png', solidPng([1, 2, 3])), lazy('notes.txt', png)];
    const r = await checkImages(files);
    expect(r.paths).toEqual(['a.png', 'b.png']);
    expect(r.imageShas).toHaveLength(2);
    expect(r.imageShas[0]).not.toBe(r.imageShas[1]);
    expect(r.skipped.map((s) => s.path)).toEqual(['broken.png', 'notes.txt']);
    expect('batch' in r).toBe(false);
    // The file name rules out notes.txt before any read; every image is read exactly once.
    expect(Object.fromEntries(reads)).toEqual({ 'a.png': 1, 'broken.png': 1, 'b.png': 1 });
    // The same paths and hashes as the full decode.
    const full = await loadImages(files, pre);
    expect([full.paths, full.imageShas]).toEqual([r.paths, r.imageShas]);
  });
});

describe('loadImages', () => {
  it('decodes, normalises and skips what is not a usable image, with reasons', async () => {
    const files: InputFile[] = [
      { path: 'a.png', bytes: solidPng([255, 0, 51]) },
      { path: 'notes.txt', bytes: new TextEncoder().encode('hi') },
      { path: 'sub/b.png', bytes: solidPng([0, 255, 255]) },
      { path: 'broken.png', bytes: Uint8Array.from([1, 2, 3]) },
    ];
    const events: Progress[] = [];
    const r = await loadImages(files, pre, { onProgress: (p) => events.push(p) });
    expect(r.paths).toEqual(['a.png', 'sub/b.png']);
    expect(r.batch.count).toBe(2);
    expect(r.batch.size).toBe(4);
    // (v / 255 - 0.5) / 0.5: 255 -> 1, 0 -> -1, 51 -> -0.6
    expect(Array.from(r.batch.data.subarray(0, 3)).map((v) => Number(v.toFixed(5)))).toEqual([1, -1, -0.6]);
    expect(Array.from(r.batch.data.subarray(48, 51))).toEqual([-1, 1, 1]);
    expect(r.skipped.map((s) => s.path)).toEqual(['notes.txt', 'broken.png']);
    expect(r.skipped[0].reason).toMatch(/not an image file name/);
    expect(r.imageShas[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(r.imageShas[0]).not.toBe(r.imageShas[1]);
    expect(events.at(-1)).toMatchObject({ phase: 'decoding', done: 4, total: 4 });
  });

  it('leaves hidden files and folders out without listing them (one rule for the app and the CLI)', async () => {
    const files: InputFile[] = [
      { path: '.DS_Store', bytes: new TextEncoder().encode('mac') },
      { path: 'sub/._a.png', bytes: solidPng([1, 2, 3]) },
      { path: '.git/objects/x.png', bytes: solidPng([1, 2, 3]) },
      { path: 'a.png', bytes: solidPng([255, 0, 51]) },
    ];
    const r = await loadImages(files, pre);
    expect(r.paths).toEqual(['a.png']);
    expect(r.skipped).toEqual([]);
    await expect(loadImages(files.slice(0, 3), pre)).rejects.toThrow(/is empty/);
  });

  it('throws when the folder is empty or nothing in it is usable', async () => {
    await expect(loadImages([], pre)).rejects.toThrow('the image folder is empty');
    await expect(loadImages([{ path: 'x.png', bytes: Uint8Array.from([0]) }], pre, {}, 'my folder')).rejects.toThrow(
      /none of the 1 files in my folder is a usable image \(x.png: /,
    );
  });
});

/** An encoder whose embedding is (first value, call number); counts images it was asked for. */
function fakeEncoder(): Encoder & { embedded: number } {
  let calls = 0;
  const enc = {
    embedded: 0,
    info: {
      format: 'onnx' as const,
      sha256: 'model-sha',
      inputName: 'input',
      outputName: 'out',
      outputs: [{ name: 'out', shape: [-1, 16] }],
      inputShape: [-1, 3, 4, 4],
      inputSize: 4,
      layout: 'nchw' as const,
      embDim: 2,
    },
    async embed(batch: ImageBatch) {
      calls++;
      enc.embedded += batch.count;
      const stride = batch.size * batch.size * 3;
      const data = new Float32Array(batch.count * 2);
      for (let i = 0; i < batch.count; i++) data.set([batch.data[i * stride], calls], i * 2);
      return { dim: 2, data };
    },
    async dispose() {},
  };
  return enc;
}

describe('embedAll', () => {
  const batch: ImageBatch = { count: 3, size: 4, data: new Float32Array(3 * 48) };
  batch.data[0] = 10;
  batch.data[48] = 20;
  batch.data[96] = 30;

  it('embeds in batches, in order, and reuses cached rows', async () => {
    const store = new MemoryEmbeddingStore();
    const enc = fakeEncoder();
    const first = await embedAll(enc, batch, ['s1', 's2', 's3'], pre, store, {}, 2);
    expect(first.dim).toBe(2);
    // Batches [0,1] (call 1) and [2] (call 2).
    expect(Array.from(first.data)).toEqual([10, 1, 20, 1, 30, 2]);
    expect(enc.embedded).toBe(3);

    // Same images and preprocessing: nothing re-embedded, same values.
    const again = await embedAll(enc, batch, ['s1', 's2', 's3'], pre, store, {}, 2);
    expect(enc.embedded).toBe(3);
    expect(Array.from(again.data)).toEqual(Array.from(first.data));

    // One new image between cached ones: only it runs (call 3), rows stay aligned.
    const mixed = await embedAll(enc, batch, ['s1', 'new', 's3'], pre, store, {}, 2);
    expect(enc.embedded).toBe(4);
    expect(Array.from(mixed.data)).toEqual([10, 1, 20, 3, 30, 2]);

    // Another preprocessing is another key.
    await embedAll(enc, batch, ['s1', 's2', 's3'], { ...pre, std: [1, 1, 1] }, store, {}, 8);
    expect(enc.embedded).toBe(7);
  });
});

describe('prepareImages (the streamed decode -> embed -> downsample path)', () => {
  /** A 8x8 PNG whose four 4x4 quadrants are solid colours, so a 2x downsample is exact. */
  function quadrantPng(q: [number, number, number][]): Uint8Array {
    const data = new Uint8Array(8 * 8 * 3);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) data.set(q[(y < 4 ? 0 : 2) + (x < 4 ? 0 : 1)], (y * 8 + x) * 3);
    return encode({ width: 8, height: 8, data, channels: 3, depth: 8 });
  }
  const pre8: PreprocessOptions = { ...DEFAULT_PREPROCESS, size: 8 };

  it('gives the same embeddings and paths as loadImages + embedAll, and the decoder images area-averaged', async () => {
    const files: InputFile[] = [];
    // 70 files (more than one decode chunk of 64), one of them not an image.
    for (let i = 0; i < 70; i++) {
      const v = (i * 3) % 256;
      files.push({ path: `img${String(i).padStart(2, '0')}.png`, bytes: quadrantPng([[v, 0, 0], [0, v, 0], [0, 0, v], [255, 255, 255]]) });
    }
    files.splice(10, 0, { path: 'readme.txt', bytes: new TextEncoder().encode('x') });
    const enc = fakeEncoder();
    const loaded = await loadImages(files, pre8);
    const whole = await embedAll(enc, loaded.batch, loaded.imageShas, pre8, new MemoryEmbeddingStore());
    const enc2 = fakeEncoder();
    const events: Progress[] = [];
    const got = await prepareImages(files, enc2, pre8, 2, new MemoryEmbeddingStore(), { onProgress: (p) => events.push(p) });
    expect(got.paths).toEqual(loaded.paths);
    expect(got.skipped.map((s) => s.path)).toEqual(['readme.txt']);
    // Embedding column 0 is the first pixel: identical; column 1 is the call number, which differs by chunking.
    for (let i = 0; i < got.paths.length; i++) expect(got.emb.data[i * 2]).toBe(whole.data[i * 2]);
    expect(got.batch.size).toBe(2);
    // Downsampled 8 -> 2: each output pixel is one solid quadrant.
    const row = 5;
    const v = ((row < 10 ? row : row + 1) * 3) % 256 / 255;
    const px = (k: number) => Array.from(got.batch.data.subarray(row * 12 + k * 3, row * 12 + k * 3 + 3)).map((x) => Number(x.toFixed(5)));
    expect(px(0)).toEqual([Number(v.toFixed(5)), 0, 0]);
    expect(px(1)).toEqual([0, Number(v.toFixed(5)), 0]);
    expect(px(3)).toEqual([1, 1, 1]);
    expect(events.at(-1)).toMatchObject({ phase: 'embedding', done: 71, total: 71 });
  });
});
