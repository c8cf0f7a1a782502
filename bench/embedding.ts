/**
 * Embedding throughput (images/s) of the fixture encoders through the engine's own loader
 * (src/core/encoder): the ONNX fixtures (32 px, batch 64; 224 px, batch 16) on onnxruntime-web
 * (wasm, the app's) and onnxruntime-node (native CPU, the CLI's), and the tfjs fixture on each
 * tfjs backend Node offers, after one warm-up call.
 */
import { existsSync } from 'node:fs';
import { loadEncoder, resolvePreprocess } from '../src/core/encoder';
import type { Layout } from '../src/core/options';
import type { Encoder } from '../src/core/types';
import { readEncoderFiles } from '../src/cli/files';
import { ortBackend } from '../src/cli/backend';
import { NODE_BACKENDS, noise, timeSteps, useBackend, type StepBudget } from './timing';

export const ONNX_FIXTURE = 'fixtures/patch/encoder.onnx';
export const TFJS_FIXTURE = 'fixtures/backdoor-tfjs';
/** A ResNet-18-layout encoder at 224 px (scripts/fixtures/make_r224_fixture.py). */
export const ONNX_224_FIXTURE = 'fixtures/r224/encoder.onnx';

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

  // Each ONNX fixture on both ONNX runtimes: onnxruntime-web (the app) and onnxruntime-node (the CLI).
  for (const [fixture, fixtureBatch, fixtureSize] of [[ONNX_FIXTURE, batch, size], [ONNX_224_FIXTURE, 16, 224]] as const) {
    for (const choice of ['web', 'node'] as const) {
      let ort;
      try {
        ort = ortBackend(choice);
      } catch (err) {
        rows.push(skippedRow(fixture, `onnxruntime-${choice}`, fixtureBatch, fixtureSize, (err as Error).message));
        continue;
      }
      const runtime = choice === 'web' ? opts.ortRuntime : ort.name;
      if (!existsSync(fixture)) {
        rows.push(skippedRow(fixture, runtime, fixtureBatch, fixtureSize, 'fixture not found'));
        continue;
      }
      const encoder = await loadEncoder(await readEncoderFiles(fixture), { runtime: ort.runtime, executionProviders: ort.executionProviders });
      try {
        const t = await measure(encoder, 'nchw', fixtureBatch, fixtureSize, budget);
        rows.push({ encoder: fixture, runtime, batch: fixtureBatch, size: fixtureSize, imagesPerSec: t.perSecond, steps: t.steps, seconds: t.seconds, skipped: null });
      } finally {
        await encoder.dispose();
      }
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
