import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from './options';
import { reconstruct } from './model';
import { createDecoderSet, decoderForRow, disposeDecoderSet, subsetData, trainDecoderSet } from './decoderSet';
import { groupSpread, labelledCollapse, rebuildAll, rebuildRows } from './collapse';
import { synthTrainData } from './testData';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 4 };
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 2, batch: 8, folds: 2, seed: 3 };
const SCORE = { maskRatio: 0.99, seed: 1 };

const synth = (n: number, s = 8) => synthTrainData(n, s, 11);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('groupSpread', () => {
  it('is the mean squared distance to the group centroid (hand-computed)', () => {
    // rows (0,0) (2,0) (1,3) (9,9): group {0,1,2} has centroid (1,1), squared distances 2, 2, 4.
    const x = Float32Array.from([0, 0, 2, 0, 1, 3, 9, 9]);
    expect(groupSpread(x, 2, [0, 1, 2])).toBeCloseTo(8 / 3, 10);
    expect(groupSpread(x, 2, [3])).toBe(0);
    expect(groupSpread(x, 2, [])).toBeNaN();
  });
});

describe('rebuildRows and labelledCollapse', () => {
  it('rebuild each row with the decoder that scored it, and compare the labelled groups', async () => {
    const data = synth(20);
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, { ...OPTS, preset: 'fast' }, 20, true, CFG);
    try {
      await trainDecoderSet(set, data, OPTS);
      const rows = [17, 0, 6, 11];
      const got = await rebuildRows(set, data, rows, SCORE);
      const len = 8 * 8 * 3;
      for (const [k, row] of rows.entries()) {
        const { f, local } = decoderForRow(set, row);
        const part = subsetData(data, set.parts![f]);
        const { recon } = await reconstruct(set.states[f].model, part.images, part.emb, [local], SCORE);
        expect(Array.from(got.subarray(k * len, (k + 1) * len))).toEqual(Array.from(recon));
      }
      // The two decoders differ, so a row rebuilt by the wrong one would not match above.
      expect(set.parts![0].length + set.parts![1].length).toBe(20);

      const labels: (number | null)[] = Array.from({ length: 20 }, (_, i) => (i < 5 ? 1 : i < 18 ? 0 : null));
      const all = await rebuildAll(set, data, SCORE);
      const pos = [0, 1, 2, 3, 4];
      const neg = Array.from({ length: 13 }, (_, i) => i + 5);
      const c = await labelledCollapse(set, data, labels, SCORE);
      const x = data.images.data;
      const kept = (rows: number[]) => groupSpread(all, len, rows) / groupSpread(x, len, rows);
      expect(c).toBeCloseTo(kept(pos) / kept(neg), 4);
      expect(await labelledCollapse(set, data, labels.map((l, i) => (i === 0 ? l : l === 1 ? 0 : l)), SCORE)).toBeNull();
    } finally {
      disposeDecoderSet(set);
    }
  });
});
