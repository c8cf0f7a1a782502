/**
 * Detection quality of `fast` vs `paper` on the demo fixture, through the engine's own steps
 * (pipeline.ts: loadImages, embedAll; model/: createTrainState, trainEpochs, scoreImages;
 * metrics.ts: auroc). Both presets train on the suspect folder itself with the product's
 * training options (only the preset differs). `fast` trains `epochs` epochs; `paper` gets
 * the same training wall time (or, with sameEpochs, the same epochs). AUROC is taken at a
 * few epochs along the way, so the curve shows both equal-epoch and equal-time comparisons.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadEncoder, resolvePreprocess } from '../src/core/encoder';
import { MemoryEmbeddingStore } from '../src/core/embedCache';
import { embedAll, loadImages } from '../src/core/pipeline';
import { createTrainState, disposeTrainState, scoreImages, trainEpochs, type TrainData } from '../src/core/model';
import { auroc } from '../src/core/metrics';
import { matchLabels } from '../src/core/scanMetrics';
import { parseLabels } from '../src/core/csv';
import { DEFAULT_SCORE, DEFAULT_TRAIN, MODEL_PRESETS, type PreprocessOptions, type PresetName, type RGB } from '../src/core/options';
import { readEncoderFiles, readFolder } from '../src/cli/files';


export interface AurocPoint {
  /** Completed epochs (fractional when a time budget stopped mid-epoch). */
  epochs: number;
  /** Training seconds so far (scoring excluded). */
  trainSeconds: number;
  auroc: number;
}

export interface AurocRow {
  preset: PresetName;
  params: number;
  /** The final point: end of the epochs, or of the time budget. */
  final: AurocPoint;
  curve: AurocPoint[];
  stoppedBy: 'epochs' | 'time budget';
}

export interface AurocResult {
  skipped: string | null;
  images: number;
  poisoned: number;
  trainOptions: Record<string, unknown> | null;
  mode: 'same time' | 'same epochs';
  rows: AurocRow[];
}

interface Manifest {
  encoder?: string;
  labels?: string;
  preprocess?: { size?: number; layout?: 'nchw' | 'nhwc'; mean?: RGB; std?: RGB };
}

/** Epochs at which the curve is sampled (plus the last one). */
function curveEpochs(epochs: number): Set<number> {
  return new Set([1, 2, 3, 5, 10, 15, 20, 30, 50, 100, 200].filter((e) => e <= epochs));
}

async function trainAndScore(
  preset: PresetName,
  train: TrainData,
  pre: PreprocessOptions,
  labelled: { index: number[]; labels: Uint8Array },
  epochs: number,
  budgetSeconds: number | null,
): Promise<AurocRow> {
  const opts = { ...DEFAULT_TRAIN, preset, epochs };
  const state = createTrainState({ imageSize: pre.size, embDim: train.emb.dim }, opts, MODEL_PRESETS[preset]);
  const steps = Math.ceil(train.images.count / opts.batch);
  const scoreOpts = { ...DEFAULT_SCORE, seed: opts.seed };
  const curve: AurocPoint[] = [];
  let trainMs = 0;
  let since = performance.now();
  const score = async (): Promise<AurocPoint> => {
    trainMs += performance.now() - since;
    const scores = await scoreImages(state.model, train, scoreOpts);
    const sub = labelled.index.map((i) => scores[i]);
    const point = { epochs: state.epoch + state.epochStep / steps, trainSeconds: trainMs / 1000, auroc: auroc(sub, labelled.labels) };
    process.stderr.write(`  ${preset}: epoch ${point.epochs.toFixed(2)}, ${point.trainSeconds.toFixed(0)} s, AUROC ${point.auroc.toFixed(4)}\n`);
    since = performance.now();
    return point;
  };
  const sample = curveEpochs(epochs);
  try {
    const { stopped } = await trainEpochs(state, train, opts, {
      onEpoch: async (epoch) => {
        if (sample.has(epoch) && epoch < epochs) curve.push(await score());
      },
      shouldStop: () => budgetSeconds !== null && (trainMs + performance.now() - since) / 1000 >= budgetSeconds,
    });
    const final = await score();
    curve.push(final);
    return { preset, params: state.model.paramCount(), final, curve, stoppedBy: stopped ? 'time budget' : 'epochs' };
  } finally {
    disposeTrainState(state);
  }
}

/** `demo` is a folder laid out like fixtures/patch or public/demo: manifest.json, the encoder, images/, labels.csv. */
export async function benchAuroc(o: { demo: string; epochs: number; sameEpochs: boolean; presets: PresetName[] }): Promise<AurocResult> {
  const DEMO = o.demo;
  const mode = o.sameEpochs ? 'same epochs' : 'same time';
  const empty = (why: string): AurocResult => ({ skipped: why, images: 0, poisoned: 0, trainOptions: null, mode, rows: [] });
  if (!existsSync(`${DEMO}/manifest.json`)) return empty(`${DEMO}/manifest.json not found (fixtures not built)`);
  const manifest = JSON.parse(await readFile(`${DEMO}/manifest.json`, 'utf8')) as Manifest;
  const encoderPath = `${DEMO}/${manifest.encoder ?? 'encoder.onnx'}`;
  const labelsPath = `${DEMO}/${manifest.labels ?? 'labels.csv'}`;
  if (!existsSync(encoderPath) || !existsSync(labelsPath)) return empty(`${encoderPath} or ${labelsPath} not found`);

  const encoder = await loadEncoder(await readEncoderFiles(encoderPath));
  try {
    const mp = manifest.preprocess ?? {};
    const { pre } = resolvePreprocess(
      encoder.info,
      {
        size: encoder.info.inputSize === null ? mp.size : undefined,
        layout: encoder.info.layout === null ? mp.layout : undefined,
        mean: mp.mean,
        std: mp.std,
      },
      MODEL_PRESETS.fast.patch,
    );
    const { files } = await readFolder(`${DEMO}/images`, 'images');
    const loaded = await loadImages(files, pre);
    const emb = await embedAll(encoder, loaded.batch, loaded.imageShas, pre, new MemoryEmbeddingStore());
    const subset = matchLabels(loaded.paths, parseLabels(await readFile(labelsPath, 'utf8')));
    const train: TrainData = { images: loaded.batch, emb };
    const rows: AurocRow[] = [];
    let budget: number | null = null;
    // The first preset sets the time budget for the others.
    for (const preset of o.presets) {
      const row = await trainAndScore(preset, train, pre, subset, o.epochs, o.sameEpochs ? null : budget);
      budget ??= row.final.trainSeconds;
      rows.push(row);
    }
    const { preset: _p, epochs: _e, ...shared } = DEFAULT_TRAIN;
    return {
      skipped: null,
      images: loaded.batch.count,
      poisoned: subset.labels.reduce((a, b) => a + b, 0),
      trainOptions: { ...shared, score: DEFAULT_SCORE, trainedOn: 'the suspect folder itself' },
      mode,
      rows,
    };
  } finally {
    await encoder.dispose();
  }
}
