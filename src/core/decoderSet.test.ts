import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from './options';
import { scoreImages, type TrainData } from './model';
import { Rng } from './model/rng';
import { fromHalf, toHalf } from './model/checkpoint';
import {
  createDecoderSet,
  decoderForRow,
  decoderSetFromBytes,
  decoderSetToBytes,
  disposeDecoderSet,
  planFolds,
  scoreWithSet,
  subsetData,
  trainDataFor,
  trainDecoderSet,
  trainingSet,
} from './decoderSet';
import { synthTrainData } from './testData';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 4 };
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 3, batch: 8, folds: 2, trainMask: 0.75, seed: 3 };

const synth = (n: number, s = 8) => synthTrainData(n, s, 7);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('planFolds', () => {
  it('splits rows into balanced, disjoint, covering, seeded parts', () => {
    const parts = planFolds(11, 2, 5);
    expect(parts.map((p) => p.length).sort()).toEqual([5, 6]);
    expect([...parts[0], ...parts[1]].sort((a, b) => a - b)).toEqual([...Array(11).keys()]);
    expect(planFolds(11, 2, 5)).toEqual(parts);
    expect(planFolds(11, 2, 6)).not.toEqual(parts);
  });
  it('refuses too few images with a message that says what to do', () => {
    expect(() => planFolds(3, 2, 0)).toThrow(/too few.*--folds 1/);
  });
});

describe('cross-fitted decoder set', () => {
  it('scores each image with the decoder that never trained on it', async () => {
    const data = synth(20);
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 20, true, CFG);
    expect(set.states).toHaveLength(2);
    await trainDecoderSet(set, data, OPTS);
    const opts = { scoreMask: 0.75, masks: 1, seed: 1 };
    const scores = await scoreWithSet(set, data, opts);
    for (const f of [0, 1]) {
      const part = set.parts![f];
      const own = await scoreImages(set.states[f].model, subsetData(data, part), opts);
      const other = await scoreImages(set.states[1 - f].model, subsetData(data, part), opts);
      part.forEach((row, i) => {
        expect(scores[row]).toBeCloseTo(own[i], 4);
        expect(decoderForRow(set, row)).toEqual({ f, local: i });
      });
      // The two decoders really differ, so the test above could fail.
      expect(Math.max(...own.map((v, i) => Math.abs(v - other[i])))).toBeGreaterThan(1e-3);
    }
    disposeDecoderSet(set);
  });

  it('uses one decoder when not cross-fitting (aux folder or folds = 1)', () => {
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 20, false, CFG);
    expect(set.parts).toBeNull();
    expect(set.states).toHaveLength(1);
    disposeDecoderSet(set);
  });

  it('resumes from bytes to exactly the weights of an uninterrupted run', async () => {
    const data = synth(20);
    const straight = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 20, true, CFG);
    await trainDecoderSet(straight, data, OPTS);

    const first = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 20, true, CFG);
    let steps = 0;
    const r = await trainDecoderSet(first, data, OPTS, { shouldStop: () => ++steps > 5 });
    expect(r.stopped).toBe(true);
    const bytes = await decoderSetToBytes(first);
    disposeDecoderSet(first);
    const resumed = decoderSetFromBytes(bytes);
    expect(resumed.parts).toEqual(straight.parts);
    await trainDecoderSet(resumed, data, OPTS);
    for (let f = 0; f < 2; f++) {
      const a = straight.states[f].model.getWeights();
      const b = resumed.states[f].model.getWeights();
      for (const name of Object.keys(a)) expect(Array.from(b[name])).toEqual(Array.from(a[name]));
    }
    disposeDecoderSet(straight);
    disposeDecoderSet(resumed);
  });

  it('rejects a truncated set file', async () => {
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 20, true, CFG);
    const bytes = await decoderSetToBytes(set);
    disposeDecoderSet(set);
    expect(() => decoderSetFromBytes(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated or corrupt/);
  });
});

describe('compact (float16, weights-only) decoder sets', () => {
  it('toHalf/fromHalf: exact on representable values, round to nearest, saturate', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(fromHalf(toHalf(0.1))).toBeCloseTo(0.0999755859375, 10);
    expect(fromHalf(toHalf(2 ** -20))).toBe(2 ** -20); // subnormal
    expect(fromHalf(toHalf(-0.333))).toBeCloseTo(-0.333, 3);
    const rng = Rng.derive(9);
    for (let i = 0; i < 1000; i++) {
      const x = rng.normal() * 3;
      expect(Math.abs(fromHalf(toHalf(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -24);
    }
  });

  it('round-trips at a quarter of the size and scores within float16 tolerance', async () => {
    const data = synth(24);
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, { ...OPTS, epochs: 2 }, 24, true, CFG);
    await trainDecoderSet(set, data, { ...OPTS, epochs: 2 });
    const full = await decoderSetToBytes(set);
    const compact = await decoderSetToBytes(set, false, true);
    expect(compact.length).toBeLessThan(full.length / 3);
    const back = decoderSetFromBytes(compact);
    expect(back.parts).toEqual(set.parts);
    expect(back.states.map((s) => s.epoch)).toEqual([2, 2]);
    const opts = { scoreMask: 0.75, masks: 1, seed: 1 };
    const a = await scoreWithSet(set, data, opts);
    const b = await scoreWithSet(back, data, opts);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(Math.abs(a[i]) * 0.01 + 1e-3);
    disposeDecoderSet(set);
    disposeDecoderSet(back);
  });
});

describe('trainDataFor with augmented rows (TrainData.extra)', () => {
  it("adds only the copies whose source row the decoder trains on, never a copy of a row it scores", () => {
    const data = synth(30);
    // Copy j of source row j, marked by embedding value 1000 + j in its first column.
    const extraEmb = new Float32Array(30 * 6);
    for (let j = 0; j < 30; j++) extraEmb[j * 6] = 1000 + j;
    const extra = { images: { ...data.images, data: data.images.data.map((v) => -v) }, emb: { count: 30, dim: 6, data: extraEmb }, source: Int32Array.from({ length: 30 }, (_, j) => j) };
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 30, true, CFG);
    for (let f = 0; f < 2; f++) {
      const d = trainDataFor(set, { ...data, extra }, f, null);
      const own = 30 - set.parts![f].length;
      expect(d.images.count).toBe(2 * own);
      const copies: number[] = [];
      for (let i = own; i < d.emb.count; i++) copies.push(d.emb.data[i * 6] - 1000);
      expect(copies.some((r) => set.parts![f].includes(r))).toBe(false);
      expect(copies.length).toBe(own);
      // A copy keeps its own image (here the negated source).
      const px = 8 * 8 * 3;
      const r = copies[0];
      expect(d.images.data[own * px]).toBe(-data.images.data[r * px]);
      // With a cap, copies follow the sampled rows.
      const capped = trainDataFor(set, { ...data, extra }, f, 5, 2);
      expect(capped.images.count).toBe(10);
    }
    // One decoder (no hold-out): every copy.
    const one = createDecoderSet({ imageSize: 8, embDim: 6 }, { ...OPTS, folds: 1 }, 30, false, CFG);
    expect(trainDataFor(one, { ...data, extra }, 0, null).images.count).toBe(60);
    disposeDecoderSet(set);
    disposeDecoderSet(one);
  });

  it('gives every cross-fitted decoder the auxiliary rows (source -1), which are never scored', () => {
    const data = synth(30);
    const auxEmb = new Float32Array(7 * 6).map((_, i) => (i % 6 === 0 ? -5 : 0));
    const extra = { images: { count: 7, size: 8, data: new Float32Array(7 * 8 * 8 * 3).fill(0.25) }, emb: { count: 7, dim: 6, data: auxEmb }, source: new Int32Array(7).fill(-1) };
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 30, true, CFG);
    for (let f = 0; f < 2; f++) {
      const own = 30 - set.parts![f].length;
      const d = trainDataFor(set, { ...data, extra }, f, null);
      expect(d.images.count).toBe(own + 7);
      for (let i = own; i < d.emb.count; i++) expect(d.emb.data[i * 6]).toBe(-5);
    }
    disposeDecoderSet(set);
  });

  it("trainingSet: 'both' cross-fits the suspect rows and adds every aux row; 'aux' trains on aux alone; no aux means suspect", () => {
    const data = synth(30);
    const aux = { images: { count: 7, size: 8, data: new Float32Array(7 * 8 * 8 * 3).fill(0.25) }, emb: { count: 7, dim: 6, data: new Float32Array(7 * 6).fill(-5) } };
    const both = trainingSet(data, aux, 'both');
    expect(both.crossFit).toBe(true);
    expect(both.data.images).toBe(data.images);
    expect(Array.from(both.data.extra!.source)).toEqual(new Array(7).fill(-1));
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 30, both.crossFit, CFG);
    for (let f = 0; f < 2; f++) {
      const own = 30 - set.parts![f].length;
      const d = trainDataFor(set, both.data, f, null);
      expect(d.images.count).toBe(own + 7);
      expect(d.emb.data[own * 6]).toBe(-5);
      expect(d.emb.data[own * 6 - 1]).not.toBe(-5);
    }
    disposeDecoderSet(set);
    expect(trainingSet(data, aux, 'aux')).toEqual({ data: aux, crossFit: false });
    expect(trainingSet(data, null, 'both')).toEqual({ data, crossFit: true });
    expect(trainingSet(data, aux, 'suspect')).toEqual({ data, crossFit: true });
    // augmented copies already there are kept, the aux rows appended after them
    const flips = { images: { count: 2, size: 8, data: new Float32Array(2 * 8 * 8 * 3) }, emb: { count: 2, dim: 6, data: new Float32Array(12) }, source: Int32Array.from([0, 1]) };
    const kept = trainingSet({ ...data, extra: flips }, aux, 'both').data.extra!;
    expect(Array.from(kept.source)).toEqual([0, 1, ...new Array(7).fill(-1)]);
    expect(kept.emb.data[2 * 6]).toBe(-5);
  });
});

describe('trainDataFor with a training cap (large folders)', () => {
  it('trains each decoder on a seeded sample of its own rows only, the same on every call', () => {
    const data = synth(40);
    const set = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 40, true, CFG);
    const rowsOf = (d: TrainData) => {
      const out: number[] = [];
      for (let i = 0; i < d.emb.count; i++) {
        const v = d.emb.data[i * 6];
        out.push(Array.from({ length: 40 }, (_, r) => r).find((r) => data.emb.data[r * 6] === v)!);
      }
      return out;
    };
    for (let f = 0; f < 2; f++) {
      const capped = trainDataFor(set, data, f, 7, 3);
      expect(capped.images.count).toBe(7);
      const rows = rowsOf(capped);
      expect(rows.some((r) => set.parts![f].includes(r))).toBe(false);
      expect(rowsOf(trainDataFor(set, data, f, 7, 3))).toEqual(rows);
      expect(rowsOf(trainDataFor(set, data, f, 7, 4))).not.toEqual(rows);
      // No cap, or a cap above the rows: the whole complement.
      expect(trainDataFor(set, data, f, null).images.count).toBe(20);
      expect(trainDataFor(set, data, f, 100).images.count).toBe(20);
    }
    disposeDecoderSet(set);
  });
});
