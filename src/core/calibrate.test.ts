import { describe, expect, it } from 'vitest';
import { normalQuantile, robustFit, robustZ, tailZ } from './calibrate';
import { pickThreshold } from './threshold';
import { embeddingFamilies, familyCosFor, FAMILY_MIN_COS, medianNearestDistance, neighbourSimilarity } from './density';
import { Rng } from './model/rng';

describe('normalQuantile', () => {
  it('matches tabulated quantiles', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(tailZ(0.005)).toBeCloseTo(2.575829, 5);
  });
});

describe('robust fit and the tail rule', () => {
  it('fits median and 1.4826 x MAD, untouched by an outlier', () => {
    const fit = robustFit([1, 2, 3, 4, 100]);
    expect(fit.median).toBe(3);
    expect(fit.sigma).toBeCloseTo(1.4826, 6);
    const { z } = robustZ([1, 2, 3, 4, 100]);
    expect(z[4]).toBeCloseTo(97 / 1.4826, 4);
  });

  it('tail:a on positive scores cuts at exp(median(log) + z_a * sigma(log)) (hand-computed)', () => {
    const scores = [1, Math.E, Math.E ** 2, Math.E ** 3, Math.E ** 10];
    // log: 0,1,2,3,10 -> median 2, MAD 1, sigma 1.4826
    expect(pickThreshold(scores, { kind: 'tail', alpha: 0.01 })).toBeCloseTo(Math.exp(2 + 2.326348 * 1.4826), 3);
  });

  it('tail:a on scores with negatives (calibrated z) fits on the linear scale', () => {
    const scores = [-2, -1, 0, 1, 2, 30];
    // median 0.5, |dev| = 2.5,1.5,0.5,0.5,1.5,29.5 -> MAD 1.5
    expect(pickThreshold(scores, { kind: 'tail', alpha: 0.05 })).toBeCloseTo(0.5 + 1.644854 * 1.4826 * 1.5, 4);
  });

  it('tail:a on calibrated scores (robust z already) is z_a itself', () => {
    expect(pickThreshold([-1, 0, 5, 40], { kind: 'tail', alpha: 0.005 }, undefined, { calibrated: true })).toBeCloseTo(2.575829, 5);
  });

  it('flags about alpha of a normal bulk', () => {
    let s = 12345;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const z = Array.from({ length: 20000 }, () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()));
    const t = pickThreshold(z, { kind: 'tail', alpha: 0.02 });
    const share = z.filter((v) => v > t).length / z.length;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.025);
  });
});

describe('the neighbourhood witness', () => {
  it('scores the k-th nearest cosine similarity and groups near-identical embeddings into families', async () => {
    // rows 0-2 nearly coincide; 3 and 4 point elsewhere.
    const data = Float32Array.from([1, 0, 0, 1, 0.01, 0, 1, 0, 0.01, 0, 1, 0, 0, 0, 1]);
    const emb = { count: 5, dim: 3, data };
    const s = await neighbourSimilarity(emb, { k: 2, maxReference: 100 });
    expect(s[0]).toBeCloseTo(Math.min(1 / Math.hypot(1, 0.01), 1 / Math.hypot(1, 0.01)), 5);
    expect(s[3]).toBeCloseTo(0, 5);
    expect(s[0]).toBeGreaterThan(s[3]);
    expect(embeddingFamilies(emb, [0, 1, 2, 3, 4], 0.95)).toEqual([[0, 1, 2]]);
    expect(embeddingFamilies(emb, [3, 4], 0.95)).toEqual([]);
  });

  it('measures the median nearest-neighbour distance by hand', () => {
    // Unit vectors at 0, 1, 10 and 30 degrees: nearest-neighbour angles 1, 1, 9 and 20 degrees.
    const rad = (deg: number) => (deg * Math.PI) / 180;
    const data = Float32Array.from([0, 1, 10, 30].flatMap((a) => [Math.cos(rad(a)), Math.sin(rad(a))]));
    const want = (1 - Math.cos(rad(1)) + (1 - Math.cos(rad(9)))) / 2;
    expect(medianNearestDistance({ count: 4, dim: 2, data })).toBeCloseTo(want, 6);
  });

  it("links a family relative to the folder's own nearest neighbours, not at a fixed cosine", () => {
    // 60 clean rows close together (positive features, as ReLU + pool encoders give: every
    // pair above cosine 0.95) and 6 rows that nearly coincide (a BadEncoder target).
    const rng = Rng.derive(5);
    const d = 8;
    const rows: number[][] = [];
    for (let i = 0; i < 60; i++) rows.push(Array.from({ length: d }, () => 1 + 0.1 * rng.normal()));
    const target = Array.from({ length: d }, (_, j) => 1 + (j % 2 ? 0.2 : -0.2));
    for (let i = 0; i < 6; i++) rows.push(target.map((v) => v + 0.001 * rng.normal()));
    const emb = { count: rows.length, dim: d, data: Float32Array.from(rows.flat()) };
    const all = rows.map((_, i) => i);
    // The fixed cosine chains the clean rows into one big family with them.
    expect(embeddingFamilies(emb, all, FAMILY_MIN_COS)[0].length).toBeGreaterThan(60);
    const cos = familyCosFor(emb);
    expect(cos).toBeGreaterThan(FAMILY_MIN_COS);
    expect(1 - cos).toBeCloseTo(medianNearestDistance(emb) / 2, 9);
    const families = embeddingFamilies(emb, all, cos);
    expect(families[0]).toEqual([60, 61, 62, 63, 64, 65]);
    // Clean rows that happen to be twice as close as the median form pairs and triples, no more.
    expect(families.slice(1).every((f) => f.length <= 3 && f.every((r) => r < 60))).toBe(true);
  });
});
