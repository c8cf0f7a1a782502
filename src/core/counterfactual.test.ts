import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from './options';
import type { TrainData } from './model';
import { reconstruct } from './model/score';
import { Rng } from './model/rng';
import { createDecoderSet, disposeDecoderSet, scoreWithSet, scoredData, trainDecoderSet } from './decoderSet';
import { counterfactualRatio, counterfactualScores, drawDonors } from './counterfactual';
import { synthTrainData } from './testData';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 4 };
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 2, batch: 8, folds: 2, trainMask: 0.99, seed: 3 };

const synth = (n: number, s = 8) => synthTrainData(n, s, 11);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('drawDonors', () => {
  it('draws R distinct donors per row, never the row itself, reproducibly', () => {
    const d = drawDonors(30, 5, 7);
    d.forEach((list, i) => {
      expect(list).toHaveLength(5);
      expect(new Set(list).size).toBe(5);
      expect(Array.from(list)).not.toContain(i);
      for (const j of list) expect(j >= 0 && j < 30).toBe(true);
    });
    expect(drawDonors(30, 5, 7).map((l) => Array.from(l))).toEqual(d.map((l) => Array.from(l)));
    expect(drawDonors(30, 5, 8).map((l) => Array.from(l))).not.toEqual(d.map((l) => Array.from(l)));
  });

  it('takes every other row when there are no more than R', () => {
    expect(drawDonors(4, 16, 0).map((l) => Array.from(l))).toEqual([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]]);
  });
});

describe('counterfactualRatio', () => {
  it('divides the own error by the min or the mean of the donor errors', () => {
    expect(counterfactualRatio(2, [4, 8, 5], 'min')).toBe(0.5);
    expect(counterfactualRatio(2, [4, 8, 6], 'mean')).toBeCloseTo(2 / 6, 12);
    expect(counterfactualRatio(3, [0], 'min')).toBe(3e12);
  });
});

describe('counterfactualScores', () => {
  it('equals own SSE / min over donors of ||x_i - rebuild_j||^2, each from the decoder that scored both (hand-computed)', async () => {
    const n = 16;
    const data = synth(n);
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, n, true, CFG);
    await trainDecoderSet(set, data, OPTS);
    const score = { scoreMask: 0.99, masks: 1, seed: 3 };
    const own = await scoreWithSet(set, data, score);
    const r = await counterfactualScores(set, data, own, score, { draws: 3, statistic: 'min' });
    const len = 8 * 8 * 3;
    for (let f = 0; f < 2; f++) {
      const rows = set.parts![f];
      const part = scoredData(set, data, f);
      const { recon } = await reconstruct(set.states[f].model, part.images, part.emb, rows.map((_, i) => i), { maskRatio: 0.99, seed: 3 });
      const donors = drawDonors(rows.length, 3, 3, f);
      rows.forEach((row, i) => {
        const errs = Array.from(donors[i], (j) => {
          let s = 0;
          for (let k = 0; k < len; k++) s += (part.images.data[i * len + k] - recon[j * len + k]) ** 2;
          return s;
        });
        let ownErr = 0;
        for (let k = 0; k < len; k++) ownErr += (part.images.data[i * len + k] - recon[i * len + k]) ** 2;
        expect(own[row]).toBeCloseTo(ownErr, 2);
        expect(r.ratio[row]).toBeCloseTo(own[row] / Math.min(...errs), 4);
        expect(r.bestDonor[row]).toBe(rows[donors[i][errs.indexOf(Math.min(...errs))]]);
        // Donors come from the same decoder's part: no rebuild uses a decoder that trained on it.
        expect(set.parts![f]).toContain(r.bestDonor[row]);
      });
    }
    // Without the raw scores given, the pass computes them from its own rebuilds: the same
    // errors (to float32 rounding) and the same ratios, in one pass over the folder.
    const alone = await counterfactualScores(set, data, null, score, { draws: 3, statistic: 'min' });
    for (let i = 0; i < n; i++) {
      expect(alone.own[i]).toBeCloseTo(own[i], 2);
      expect(Math.abs(alone.ratio[i] - r.ratio[i]) / r.ratio[i]).toBeLessThan(1e-4);
    }
    expect(Array.from(alone.bestDonor)).toEqual(Array.from(r.bestDonor));
    // With a visible patch (mask 0.5) the own errors come from scoreImages, as scoreWithSet's.
    const visible = { scoreMask: 0.5, masks: 1, seed: 3 };
    const rawVisible = await scoreWithSet(set, data, visible);
    const withVisible = await counterfactualScores(set, data, null, visible, { draws: 3, statistic: 'min' });
    expect(Array.from(withVisible.own)).toEqual(Array.from(rawVisible));
    disposeDecoderSet(set);
  });

  it("scores an image whose embedding is another image's (a backdoor target) near or above 1, its own image far below", async () => {
    // Decoder trained to rebuild from embeddings; image 0 then gets image 1's embedding.
    // Images that are a function of their embedding (as for a real encoder): x = W e + noise.
    const n = 24;
    const rng = Rng.derive(5);
    const len = 8 * 8 * 3;
    const w = Float32Array.from({ length: len * 6 }, () => rng.normal() * 0.5);
    const emb = Float32Array.from({ length: n * 6 }, () => rng.normal());
    const img = new Float32Array(n * len);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < len; k++) {
        let v = 0.1 * rng.normal();
        for (let j = 0; j < 6; j++) v += w[k * 6 + j] * emb[i * 6 + j];
        img[i * len + k] = v;
      }
    const data: TrainData = { images: { count: n, size: 8, data: img }, emb: { count: n, dim: 6, data: emb } };
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, { ...OPTS, epochs: 30, folds: 1 }, n, false, CFG);
    await trainDecoderSet(set, data, { ...OPTS, epochs: 30, folds: 1 });
    const swapped: TrainData = { images: data.images, emb: { ...data.emb, data: Float32Array.from(data.emb.data) } };
    swapped.emb.data.set(data.emb.data.subarray(6, 12), 0);
    const score = { scoreMask: 0.99, masks: 1, seed: 3 };
    const own = await scoreWithSet(set, swapped, score);
    const r = await counterfactualScores(set, swapped, own, score, { draws: n - 1, statistic: 'min' });
    expect(r.ratio[0]).toBeGreaterThan(0.9);
    expect(r.ratio[1]).toBeLessThan(r.ratio[0]);
    const cleanRatios = Array.from(r.ratio.subarray(2));
    expect(cleanRatios.filter((v) => v < 1).length).toBeGreaterThan(cleanRatios.length * 0.8);
    disposeDecoderSet(set);
  });
});
