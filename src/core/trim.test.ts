import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from './options';
import { createDecoderSet, disposeDecoderSet, trainDataFor, trainDecoderSet } from './decoderSet';
import { decoderFreeSuspicion, trimmedRows } from './trim';
import { robustZ } from './calibrate';
import { DEFAULT_DENSITY, neighbourSimilarity } from './density';
import { DEFAULT_LOOKALIKE, lookalikeScores } from './lookalike';
import { synthTrainData } from './testData';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 4 };

const synth = (n: number, s = 8) => synthTrainData(n, s, 11);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trimmed training', () => {
  it('picks the given share of the most suspicious rows, ties to the lower row, sorted', () => {
    expect(trimmedRows([0.1, 5, 2, 5, -1, 3, 0, 0, 0, 0], 0.3)).toEqual([1, 3, 5]);
    expect(trimmedRows([0.1, 5, 2, 5], 0.5)).toEqual([1, 3]);
    // floor(0.1 x 9) = 0 rows: nothing is kept out.
    expect(trimmedRows(new Float32Array(9), 0.1)).toEqual([]);
    expect(() => trimmedRows([1, 2], 1)).toThrow(/trim must be a share/);
  });

  it("'tail' keeps out the rows above z(1%) = 2.326, at most 20% of them", () => {
    const z = Array.from({ length: 20 }, (_, i) => (i < 3 ? 3 + i : i === 5 ? 2.3 : 0));
    expect(trimmedRows(z, 'tail')).toEqual([0, 1, 2]);
    // Nothing above the cut: nothing kept out (a folder whose witnesses show no excess keeps its rows).
    expect(trimmedRows(new Float32Array(20), 'tail')).toEqual([]);
    // Capped at 20%: 10 rows pass, 4 (the most suspicious) are kept out.
    const many = Array.from({ length: 20 }, (_, i) => (i < 10 ? 3 + i : 0));
    expect(trimmedRows(many, 'tail')).toEqual([6, 7, 8, 9]);
  });

  it('scores suspicion as the larger robust z of the neighbour and look-alike witnesses', async () => {
    const data = synth(30);
    const s = await decoderFreeSuspicion(data, 0);
    // The witnesses' own scales, written out: log(2 / cosine distance) and log.
    const density = robustZ(Float64Array.from(await neighbourSimilarity(data.emb, DEFAULT_DENSITY, 0), (v) => Math.log(2 / (1 - v)))).z;
    const look = robustZ(Float64Array.from(await lookalikeScores(data.images, data.emb, DEFAULT_LOOKALIKE, 0), (v) => Math.log(v))).z;
    let fromLook = 0;
    for (let i = 0; i < 30; i++) {
      expect(s[i]).toBeCloseTo(Math.max(density[i], look[i]), 5);
      if (look[i] > density[i]) fromLook++;
    }
    // Both witnesses contribute on random data.
    expect(fromLook).toBeGreaterThan(0);
    expect(fromLook).toBeLessThan(30);
  });

  it('keeps the trimmed rows out of every cross-fitted decoder, found once and deterministically', async () => {
    const data = synth(40);
    const opts: TrainOptions = { ...DEFAULT_TRAIN, epochs: 1, batch: 8, folds: 2, trainMask: 0.75, seed: 2, trim: 0.25, maxTrainImages: null };
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, opts, 40, true, CFG);
    await trainDecoderSet(set, data, opts);
    const expected = trimmedRows(await decoderFreeSuspicion(data, opts.seed), 0.25);
    expect(set.excluded).toEqual(expected);
    expect(expected).toHaveLength(10);
    for (const f of [0, 1]) {
      const train = trainDataFor(set, data, f);
      // Its training rows: the other fold's part less the trimmed rows.
      const other = set.parts![1 - f].filter((r) => !expected.includes(r));
      expect(train.images.count).toBe(other.length);
      expect(Array.from(train.emb.data.subarray(0, 6))).toEqual(Array.from(data.emb.data.subarray(other[0] * 6, other[0] * 6 + 6)));
    }
    disposeDecoderSet(set);
    // Without cross-fitting (an auxiliary folder) nothing is trimmed: there is nothing to hold out.
    const one = createDecoderSet({ imageSize: 8, embDim: 6 }, { ...opts, folds: 1 }, 40, false, CFG);
    await trainDecoderSet(one, data, { ...opts, folds: 1 });
    expect(one.excluded ?? null).toBeNull();
    disposeDecoderSet(one);
  });
});
