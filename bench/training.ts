/**
 * Decoder training throughput (samples/s) of the engine's DeDe model: real optimizer steps
 * (`trainStep`: masks, forward, gradients, torch-style Adam) at train mask 0.9, batch 64,
 * 32 px and 128-d embeddings, after warm-up steps, on each tfjs backend Node offers.
 */
import { DEFAULT_TRAIN, MODEL_PRESETS, type PresetName, type TrainOptions } from '../src/core/options';
import { createTrainState, disposeTrainState, trainStep, type TrainData } from '../src/core/model';
import { NODE_BACKENDS, noise, timeSteps, useBackend, type NodeBackendName, type StepBudget } from './timing';

export interface TrainRow {
  preset: PresetName;
  runtime: string;
  params: number | null;
  batch: number;
  samplesPerSec: number | null;
  steps: number;
  seconds: number;
  skipped: string | null;
}

export interface TrainBenchOptions {
  presets: PresetName[];
  batch: number;
  size: number;
  embDim: number;
  mask: number;
  budgets: Record<NodeBackendName, StepBudget>;
  /** Batch of the warm-up steps per backend (default: `batch`); small keeps cpu's warm-up cheap. */
  warmupBatch?: Partial<Record<NodeBackendName, number>>;
  /** Backends to leave out (e.g. `cpu` when --no-cpu), with the reason recorded. */
  skip?: Partial<Record<NodeBackendName, string>>;
}

/** Random images and embeddings of one batch (the step's cost does not depend on the values). */
export function benchData(batch: number, size: number, embDim: number): TrainData {
  return {
    images: { count: batch, size, data: noise(batch * size * size * 3, 3) },
    emb: { count: batch, dim: embDim, data: noise(batch * embDim, 5) },
  };
}

export async function benchTraining(o: TrainBenchOptions): Promise<TrainRow[]> {
  const rows: TrainRow[] = [];
  const data = benchData(o.batch, o.size, o.embDim);
  const idx = Array.from({ length: o.batch }, (_, i) => i);
  for (const backend of NODE_BACKENDS) {
    const runtime = `tfjs-${backend}`;
    const why = o.skip?.[backend] ?? (await useBackend(backend));
    for (const preset of o.presets) {
      if (why) {
        rows.push({ preset, runtime, params: null, batch: o.batch, samplesPerSec: null, steps: 0, seconds: 0, skipped: why });
        continue;
      }
      const opts: TrainOptions = { ...DEFAULT_TRAIN, preset, batch: o.batch, trainMask: o.mask, trainMaskEnd: null };
      const state = createTrainState({ imageSize: o.size, embDim: o.embDim }, opts, MODEL_PRESETS[preset]);
      try {
        const warmIdx = idx.slice(0, o.warmupBatch?.[backend] ?? o.batch);
        const t = await timeSteps(
          () => trainStep(state, data, idx, o.mask),
          o.batch,
          o.budgets[backend],
          () => trainStep(state, data, warmIdx, o.mask),
        );
        rows.push({
          preset,
          runtime,
          params: state.model.paramCount(),
          batch: o.batch,
          samplesPerSec: t.perSecond,
          steps: t.steps,
          seconds: t.seconds,
          skipped: null,
        });
      } finally {
        disposeTrainState(state);
      }
      process.stderr.write(`  trained ${preset} on ${runtime}: ${rows[rows.length - 1].samplesPerSec?.toFixed(1)} samples/s\n`);
    }
  }
  await useBackend('wasm');
  return rows;
}
