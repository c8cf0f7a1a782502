/**
 * Cross-fitted decoders trained in parallel worker threads (src/cli/foldRunner.ts) end exactly
 * where training them one after the other ends: same loss curve, same weights, same bytes, on
 * tfjs and on the ONNX Runtime engine (each thread registers the main thread's engine).
 */
import { describe, expect, it } from 'vitest';
import { setupNodeBackend, setupTrainEngine, type TrainEngineSpec } from '../src/cli/backend';
import { ThreadFoldRunner, foldSlots } from '../src/cli/foldRunner';
import { createDecoderSet, decoderSetToBytes, disposeDecoderSet, setLossHistory, trainDecoderSet } from '../src/core/decoderSet';
import { Rng } from '../src/core/model/rng';
import { DEFAULT_TRAIN, type ModelConfig, type TrainOptions } from '../src/core/options';
import type { TrainData } from '../src/core/model';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 2 };
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 3, batch: 8, folds: 3, trainMask: 0.75, seed: 5 };

function synth(n: number, s = 8): TrainData {
  const rng = Rng.derive(11);
  return {
    images: { count: n, size: s, data: Float32Array.from({ length: n * s * s * 3 }, () => rng.normal()) },
    emb: { count: n, dim: 6, data: Float32Array.from({ length: n * 6 }, () => rng.normal()) },
  };
}

const ENGINES: [string, TrainEngineSpec][] = [
  ['tfjs', { engine: 'tfjs', ort: 'auto', threads: 1 }],
  ['onnxruntime-node', { engine: 'ort', ort: 'node', threads: 1 }],
];

describe('fold-parallel training (worker threads)', () => {
  it.each(ENGINES)('gives bit-identical decoders and loss curves to sequential training on %s', async (_, engine) => {
    await setupNodeBackend();
    setupTrainEngine(engine);
    const data = synth(36);
    const seq = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 36, true, CFG);
    await trainDecoderSet(seq, data, OPTS);
    const par = createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 36, true, CFG);
    const runner = new ThreadFoldRunner(2, engine);
    const progress: number[] = [];
    try {
      await trainDecoderSet(par, data, OPTS, { runner, onProgress: (p) => progress.push(p.done) });
    } finally {
      await runner.close();
    }
    expect(setLossHistory(par)).toEqual(setLossHistory(seq));
    expect(par.states.map((s) => s.epoch)).toEqual([3, 3, 3]);
    const a = await decoderSetToBytes(seq);
    const b = await decoderSetToBytes(par);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    // Progress counts the threads' steps too and ends at the total.
    expect(Math.max(...progress)).toBe(3 * 3 * 3);
    disposeDecoderSet(seq);
    disposeDecoderSet(par);
    setupTrainEngine(ENGINES[0][1]);
  }, 120_000);

  it('uses one thread per core beside the main one, at most the folds', () => {
    expect(foldSlots(2, 2)).toBe(1);
    expect(foldSlots(2, 16)).toBe(1);
    expect(foldSlots(5, 4)).toBe(3);
    expect(foldSlots(1, 8)).toBe(0);
    expect(foldSlots(3, 1)).toBe(0);
  });
});
