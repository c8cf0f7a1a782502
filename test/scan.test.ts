/**
 * runScan end to end on tfjs-wasm with a stand-in encoder: the phases, their progress
 * invariants, cancellation, checkpoint + exact resume, the auxiliary set and the summary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setupNodeBackend } from '../src/cli/backend';
import { MemoryEmbeddingStore } from '../src/core/embedCache';
import { DEFAULT_PREPROCESS, DEFAULT_RULE, DEFAULT_SCORE, DEFAULT_TRAIN, MATURE_POWER } from '../src/core/options';
import { CancelledError } from '../src/core/progress';
import { runScan, type ScanInput } from '../src/core/scan';
import { scanSummary } from '../src/core/summary';
import type { Encoder, ImageBatch, InputFile, Progress } from '../src/core/types';
import { pngBytes } from './helpers/cli';

/** Embedding = per-channel mean and the mean of the top-left quarter: a crude but honest encoder. */
const meanEncoder: Encoder = {
  info: {
    format: 'onnx',
    sha256: 'mean-encoder',
    inputName: 'input',
    outputName: 'embedding',
    outputs: [{ name: 'embedding', shape: [-1, 16] }],
    inputShape: [-1, 3, 16, 16],
    inputSize: 16,
    layout: 'nchw',
    embDim: 6,
  },
  async embed(batch: ImageBatch) {
    const s = batch.size;
    const out = new Float32Array(batch.count * 6);
    for (let i = 0; i < batch.count; i++)
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++)
          for (let c = 0; c < 3; c++) {
            const v = batch.data[((i * s + y) * s + x) * 3 + c];
            out[i * 6 + c] += v / (s * s);
            if (x < s / 2 && y < s / 2) out[i * 6 + 3 + c] += v / ((s * s) / 4);
          }
    return { dim: 6, data: out };
  },
  async dispose() {},
};

const files = (n: number, offset = 0): InputFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `img${i + offset}.png`, bytes: pngBytes(i + offset, 16) }));

const input = (over: Partial<ScanInput> = {}): ScanInput => ({
  encoder: meanEncoder,
  pre: { ...DEFAULT_PREPROCESS, size: 16 },
  images: files(12),
  labels: null,
  train: { ...DEFAULT_TRAIN, epochs: 2, batch: 8 },
  score: DEFAULT_SCORE,
  rule: DEFAULT_RULE,
  store: new MemoryEmbeddingStore(),
  backend: 'test',
  ...over,
});

beforeAll(async () => {
  await setupNodeBackend();
});

describe('runScan', () => {
  it('runs every phase in order with monotone progress that ends at its total', async () => {
    const events: Progress[] = [];
    const checkpoints: number[] = [];
    const r = await runScan(input({ labels: new Map([['img0.png', 1], ['img1.png', 0], ['img2.png', 0]]) }), {
      onProgress: (p) => events.push(p),
      onCheckpoint: (_bytes, epoch) => {
        checkpoints.push(epoch);
      },
    });
    const phases = [...new Set(events.map((e) => e.phase))];
    // Decoding and embedding run chunk by chunk (pipeline.prepareImages), reported as 'embedding'.
    expect(phases).toEqual(['embedding', 'training', 'power', 'scoring']);
    for (const phase of phases) {
      const seq = events.filter((e) => e.phase === phase);
      for (let i = 1; i < seq.length; i++) expect(seq[i].done).toBeGreaterThanOrEqual(seq[i - 1].done);
      expect(seq.at(-1)!.done).toBe(seq.at(-1)!.total);
    }
    // The stopping rule (default) checked the held-out power after each epoch; 12 images do not
    // train a decoder to 0.85 in 2 epochs, so it ran them both and DeDe does not vote.
    expect(checkpoints).toEqual([1, 2]);
    expect(r.epochsTrained).toBe(2);
    expect(r.powerByEpoch!.map((h) => h.epoch)).toEqual([1, 2]);
    expect(r.powerByEpoch!.at(-1)!.power).toBe(r.power!.auroc);
    expect(r.power!.auroc).toBeLessThan(MATURE_POWER);
    expect(r.paths).toHaveLength(12);
    expect(r.scores).toHaveLength(12);
    expect(r.flagged).toEqual(Array.from(r.scores, (s) => s > r.threshold));
    expect(r.trainedOn).toBe('suspect');
    // Default: cross-fitted decoders, so every scored (and power-sliced) image is held out.
    expect(r.decoders).toBe(DEFAULT_TRAIN.folds);
    expect(r.power).toMatchObject({ slice: 12, heldOut: DEFAULT_TRAIN.folds > 1 });
    expect(r.metrics).toMatchObject({ labelled: 3, poisoned: 1, unlabelled: 9 });
    expect(r.lossHistory).toHaveLength(2);

    const s = scanSummary(r);
    expect(s.counts).toMatchObject({ images: 12, skipped: 0, trainImages: 12 });
    expect(s.rule).toBe('tail:0.005');
    // The default verdict: counterfactual DeDe beside the neighbourhood and look-alike witnesses,
    // the one with the heaviest upper tail speaking (combine: 'heaviest'), flags explained.
    expect(r.calibrated).toBe(true);
    expect(r.witnesses.map((w) => w.name)).toEqual(['dede', 'density', 'lookalike']);
    r.flagged.forEach((f, i) => expect(r.flaggedBy[i].length > 0).toBe(f));
    // alpha x images x voting witnesses (witnesses.ts tail gate).
    const voting = r.witnesses.filter((w) => w.votes).length;
    expect(voting).toBe(1);
    const speaker = r.witnesses.find((w) => w.votes)!;
    for (const w of r.witnesses) if (w !== speaker && w.outvotedBy) expect(w.tailShare!).toBeLessThanOrEqual(speaker.tailShare!);
    expect(s.verdict.expectedFalseAlarms).toBeCloseTo(Number((0.005 * 12 * voting).toFixed(2)), 5);
    // flaggedBy names voting witnesses only.
    for (const by of r.flaggedBy) for (const name of by) expect(r.witnesses.find((w) => w.name === name)!.votes).toBe(true);
    expect(s.preset).toBe('fast');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('stops cooperatively with a CancelledError', async () => {
    let steps = 0;
    const run = runScan(input(), {
      onProgress: (p) => {
        if (p.phase === 'training') steps++;
      },
      shouldStop: () => steps >= 1,
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(steps).toBe(1);
  });

  it('resumes from a checkpoint to the same scores as an uninterrupted run', async () => {
    const store = new MemoryEmbeddingStore();
    let afterOne: Uint8Array | null = null;
    const full = await runScan(input({ store }), {
      onCheckpoint: (bytes, epoch) => {
        if (epoch === 1) afterOne = bytes;
      },
    });
    expect(afterOne).not.toBeNull();
    const resumed = await runScan(input({ store, resume: afterOne }));
    expect(resumed.resumedFromEpoch).toBe(1);
    expect(Array.from(resumed.scores)).toEqual(Array.from(full.scores));
    await expect(runScan(input({ store, resume: afterOne, train: { ...DEFAULT_TRAIN, epochs: 2, batch: 8, seed: 5 } }))).rejects.toThrow(
      /checkpoint was trained with preset fast and seed 0/,
    );
  });

  it('with the raw score alone ranks by the paper\'s error, exactly scoreWithSet\'s', async () => {
    const score = { ...DEFAULT_SCORE, kind: 'raw' as const, witnesses: ['dede' as const] };
    const r = await runScan(input({ score, rule: { kind: 'mean', k: 1.5 } }));
    expect(r.calibrated).toBe(false);
    expect(Array.from(r.scores)).toEqual(Array.from(r.raw));
    expect(r.bestDonor).toBeNull();
  });

  it('trains one decoder on the suspect set with folds 1 (the paper), power not held out', async () => {
    const r = await runScan(input({ train: { ...DEFAULT_TRAIN, epochs: 1, batch: 8, folds: 1 } }));
    expect(r.decoders).toBe(1);
    expect(r.power).toMatchObject({ slice: 12, heldOut: false });
  });

  it('trains on an auxiliary set and measures power on held-out suspect images', async () => {
    const r = await runScan(input({ aux: files(10, 100), train: { ...DEFAULT_TRAIN, epochs: 1, batch: 8 } }));
    expect(r.trainedOn).toBe('aux');
    expect(r.decoders).toBe(1);
    expect(r.trainImages).toBe(10);
    expect(r.scores).toHaveLength(12);
    expect(r.power?.heldOut).toBe(true);
  });

  it('trains the cross-fitted decoders on the suspect folds plus every auxiliary image (train on both)', async () => {
    const r = await runScan(input({ aux: files(10, 100), trainOn: 'both', train: { ...DEFAULT_TRAIN, epochs: 2, batch: 8 } }));
    expect(r.trainedOn).toBe('both');
    expect(r.decoders).toBe(2);
    expect(r.trainImages).toBe(22);
    expect(r.scores).toHaveLength(12);
    expect(r.power?.heldOut).toBe(true);
    // cross-fitted, so the stopping rule reads held-out power after each epoch
    expect(r.powerByEpoch?.length).toBeGreaterThan(0);
    // and the aux rows changed what the decoders learnt
    const plain = await runScan(input({ train: { ...DEFAULT_TRAIN, epochs: 2, batch: 8 } }));
    expect(Array.from(r.raw)).not.toEqual(Array.from(plain.raw));
  });
});
