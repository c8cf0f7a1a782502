import { describe, expect, it } from 'vitest';
import { normalQuantile, robustFit, robustZ, tailZ } from './calibrate';
import { pickThreshold } from './threshold';
import { embeddingFamilies, neighbourSimilarity } from './density';

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
  it('scores the k-th nearest cosine similarity and groups near-identical embeddings into families', () => {
    // rows 0-2 nearly coincide; 3 and 4 point elsewhere.
    const data = Float32Array.from([1, 0, 0, 1, 0.01, 0, 1, 0, 0.01, 0, 1, 0, 0, 0, 1]);
    const emb = { count: 5, dim: 3, data };
    const s = neighbourSimilarity(emb, { k: 2, maxReference: 100 });
    expect(s[0]).toBeCloseTo(Math.min(1 / Math.hypot(1, 0.01), 1 / Math.hypot(1, 0.01)), 5);
    expect(s[3]).toBeCloseTo(0, 5);
    expect(s[0]).toBeGreaterThan(s[3]);
    expect(embeddingFamilies(emb, [0, 1, 2, 3, 4], 0.95)).toEqual([[0, 1, 2]]);
    expect(embeddingFamilies(emb, [3, 4], 0.95)).toEqual([]);
  });
});
