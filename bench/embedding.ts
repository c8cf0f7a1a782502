/**
 * Embedding throughput (images/s) of the fixture encoders through the engine's own loader
 * (src/core/encoder): the ONNX fixture on onnxruntime-web (wasm), and the tfjs fixture on each
 * tfjs backend Node offers. Batch 64 at 32 px after one warm-up call.
 */
import { existsSync } from 'node:fs';
import { loadEncoder, resolvePreprocess } from '../src/core/encoder';
import type { Layout } from '../src/core/options';
import type { Encoder } from '../src/core/types';
import { readEncoderFiles } from '../src/cli/files';
import { NODE_BACKENDS, noise, timeSteps, useBackend, type StepBudget } from './timing';

export const ONNX_FIXTURE = 'public/demo/encoder.onnx';
export const TFJS_FIXTURE = 'fixtures/backdoor-tfjs';

export interface EmbedRow {
  encoder: string;
  runtime: string;
  batch: number;
  size: number;
  imagesPerSec: number | null;
  steps: number;
  seconds: number;
  /** Why there is no number (fixture missing, backend failed). */
  skipped: string | null;
}

async function measure(encoder: Encoder, fallbackLayout: Layout, batch: number, size: number, budget: StepBudget) {
  const { pre } = resolvePreprocess(encoder.info, {
    size: encoder.info.inputSize === null ? size : undefined,
    layout: encoder.info.layout === null ? fallbackLayout : undefined,
  });
  const images = { count: batch, size: pre.size, data: noise(batch * pre.size * pre.size * 3, 7) };
  return timeSteps(() => encoder.embed(images, pre), batch, budget);
}

function skippedRow(encoder: string, runtime: string, batch: number, size: number, why: string): EmbedRow {
  return { encoder, runtime, batch, size, imagesPerSec: null, steps: 0, seconds: 0, skipped: why };
}

/** One row per (encoder, runtime); a missing fixture or a failing backend gives a skipped row. */
export async function benchEmbedding(opts: { batch: number; size: number; budget: StepBudget; ortRuntime: string }): Promise<EmbedRow[]> {
  const { batch, size, budget } = opts;
  const rows: EmbedRow[] = [];

  if (!existsSync(ONNX_FIXTURE)) {
    rows.push(skippedRow(ONNX_FIXTURE, opts.ortRuntime, batch, size, 'fixture not found'));
  } else {
    const encoder = await loadEncoder(await readEncoderFiles(ONNX_FIXTURE));
    try {
      const t = await measure(encoder, 'nchw', batch, size, budget);
      rows.push({ encoder: ONNX_FIXTURE, runtime: opts.ortRuntime, batch, size, imagesPerSec: t.perSecond, steps: t.steps, seconds: t.seconds, skipped: null });
    } finally {
      await encoder.dispose();
    }
  }

  for (const backend of NODE_BACKENDS) {
    const runtime = `tfjs-${backend}`;
    if (!existsSync(`${TFJS_FIXTURE}/model.json`)) {
      rows.push(skippedRow(TFJS_FIXTURE, runtime, batch, size, 'fixture not found'));
      continue;
    }
    const failed = await useBackend(backend);
    if (failed) {
      rows.push(skippedRow(TFJS_FIXTURE, runtime, batch, size, failed));
      continue;
    }
    // Loaded after the switch, so the weights live on the backend being measured.
    const encoder = await loadEncoder(await readEncoderFiles(TFJS_FIXTURE));
    try {
      const t = await measure(encoder, 'nhwc', batch, size, budget);
      rows.push({ encoder: TFJS_FIXTURE, runtime, batch, size, imagesPerSec: t.perSecond, steps: t.steps, seconds: t.seconds, skipped: null });
    } finally {
      await encoder.dispose();
    }
  }
  await useBackend('wasm');
  return rows;
}
