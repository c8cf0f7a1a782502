import { describe, expect, it } from 'vitest';
import { lookalikeScores } from './lookalike';
import { CancelledError } from './progress';

// Five 1x1 "images" (one RGB triple each) and 2-D embeddings, small enough to score by hand.
const images = { count: 5, size: 1, data: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 1, 0]) };
const emb = { count: 5, dim: 2, data: Float32Array.from([1, 0, 0, 1, 1, 0.1, -1, 0, 0.1, 1]) };

describe('the look-alike witness', () => {
  it('divides the pixel distance to the embedding-nearest by the best pixel distances (hand-computed)', async () => {
    const s = await lookalikeScores(images, emb, { k: 1, maxReference: 100, centre: false });
    // Image 0: embedding-nearest is 2 (cos 0.995), ||x0 - x2||^2 = 4; its pixel distances are
    // 1, 4, 9, 2 to images 1..4, the 2 smallest average 1.5: 4 / 1.5.
    expect(s[0]).toBeCloseTo(4 / 1.5, 5);
    // Image 1: embedding-nearest is 4, ||x1 - x4||^2 = 1; pixel distances 1, 5, 10, 1: 1 / 1.
    expect(s[1]).toBeCloseTo(1, 5);
    // Image 3: cosines -1, 0, -0.995, -0.0995 to images 0, 1, 2, 4, so image 1 is nearest and
    // ||x3 - x1||^2 = 10; pixel distances 9, 10, 13, 11: the 2 smallest average 9.5.
    expect(s[3]).toBeCloseTo(10 / 9.5, 5);
  });

  it('caps k so that the pixel pool fits the folder, and ignores embedding scale', async () => {
    // k = 50 on 5 images becomes 2 (pool of 4 = every other image). Image 0: embedding-nearest
    // 2 and 4 (distances 4, 2: mean 3) over the mean of all four distances (16 / 4 = 4).
    const s = await lookalikeScores(images, emb, { k: 50, maxReference: 100, centre: false });
    expect(s[0]).toBeCloseTo(3 / 4, 5);
    // Scaling each embedding row by its own positive factor (row r by r + 1) keeps every cosine, so every score.
    const scaled = { ...emb, data: emb.data.map((v, i) => v * (1 + Math.floor(i / 2))) };
    const t = await lookalikeScores(images, scaled, { k: 50, maxReference: 100, centre: false });
    expect(Array.from(t)).toEqual(Array.from(s));
  });

  it('searches a seeded reference sample above maxReference, and scores tiny folders 1', async () => {
    const a = await lookalikeScores(images, emb, { k: 1, maxReference: 3, centre: false }, 7);
    const b = await lookalikeScores(images, emb, { k: 1, maxReference: 3, centre: false }, 7);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    const two = await lookalikeScores({ count: 2, size: 1, data: images.data.slice(0, 6) }, { count: 2, dim: 2, data: emb.data.slice(0, 4) });
    expect(Array.from(two)).toEqual([1, 1]);
  });

  it('stops when asked', async () => {
    await expect(lookalikeScores(images, emb, { k: 1, maxReference: 100, centre: false }, 0, { shouldStop: () => true })).rejects.toBeInstanceOf(CancelledError);
  });

  it('centred, a uniform brightness shift costs nothing: the shifted twin is the nearest in pixels', async () => {
    // Image 1 is image 0 plus 0.5 everywhere; image 2 differs from 0 in shape. Embeddings make
    // 2 the embedding-nearest of 0. Uncentred, ||x0 - x1||^2 = 3 x 0.25 = 0.75; centred, 0.
    const img = { count: 4, size: 1, data: Float32Array.from([0, 1, 2, 0.5, 1.5, 2.5, 2, 1, 0, 1, 1, 1]) };
    const e = { count: 4, dim: 2, data: Float32Array.from([1, 0, 0, 1, 1, 0.1, -1, 0]) };
    // Image 0 centred: (-1, 0, 1); image 2 centred: (1, 0, -1), distance 8; image 3 centred: 0, distance 2.
    // k = 1: embedding-nearest is 2 (8); the 2 pixel-nearest are 1 (0) and 3 (2): 8 / 1.
    const centred = await lookalikeScores(img, e, { k: 1, maxReference: 100, centre: true });
    expect(centred[0]).toBeCloseTo(8, 4);
    // Uncentred: distances 0.75, 8, 2 (to 1, 2, 3): 8 / mean(0.75, 2).
    const plain = await lookalikeScores(img, e, { k: 1, maxReference: 100, centre: false });
    expect(plain[0]).toBeCloseTo(8 / 1.375, 4);
  });
});
