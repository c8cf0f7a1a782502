import { describe, expect, it } from 'vitest';
import { MemoryEmbeddingStore, embeddingKey } from './embedCache';
import { DEFAULT_PREPROCESS, NORM_PRESETS } from './options';

describe('embedding cache', () => {
  it('keys change with the model, the image and every preprocessing option', () => {
    const base = embeddingKey('m', 'i', DEFAULT_PREPROCESS);
    const variants = [
      embeddingKey('m2', 'i', DEFAULT_PREPROCESS),
      embeddingKey('m', 'i2', DEFAULT_PREPROCESS),
      embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS, size: 64 }),
      embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS, layout: 'nhwc' }),
      embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS, mean: NORM_PRESETS.imagenet.mean }),
      embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS, std: NORM_PRESETS.imagenet.std }),
      embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS, background: [0, 0, 0] }),
      embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS, pooling: 'first' }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    expect(embeddingKey('m', 'i', { ...DEFAULT_PREPROCESS })).toBe(base);
  });

  it('MemoryEmbeddingStore stores copies', async () => {
    const store = new MemoryEmbeddingStore();
    const v = Float32Array.from([1, 2, 3]);
    await store.set('k', v);
    v[0] = 99;
    expect(Array.from((await store.get('k'))!)).toEqual([1, 2, 3]);
    expect(await store.get('missing')).toBeUndefined();
    expect(store.size).toBe(1);
  });
});
