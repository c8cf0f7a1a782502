/**
 * Memory a scan needs, estimated before any work so that an impossible setting is refused with
 * a sentence instead of a WebAssembly abort after minutes of embedding. The estimate counts
 * what dominates: the decoded images as float32 (kept for training and scoring), and the
 * activations one training step keeps for its backward pass (attention maps grow with the
 * square of the token count, which grows with the square of the image side).
 */
import type { ModelConfig } from './options';
import { keepCount } from './model/patches';

/** tfjs-wasm's heap is a 32-bit WebAssembly memory; leave room for weights, Adam and scratch. */
export const WASM_STEP_LIMIT_BYTES = 3 * 1024 ** 3;
/** Decoded images kept as float32 at most (the machine's memory is the real limit; this is the sane one). */
export const IMAGE_MEMORY_LIMIT_BYTES = 8 * 1024 ** 3;

export interface MemoryEstimate {
  /** Bytes of the decoded, normalised images (float32). */
  images: number;
  /** Bytes of activations one training step holds (forward kept for backward). */
  trainStep: number;
  /** Tokens per image (decoder side). */
  tokens: number;
}

/** Per-block activation bytes kept for backward: attention maps (x3: scores, softmax, grad) and the block's D-wide tensors (~12 D per token). */
function blockBytes(batch: number, length: number, cfg: ModelConfig): number {
  return 4 * batch * (cfg.heads * length * length * 3 + length * cfg.dim * (8 + 4 * cfg.mlpRatio));
}

export function estimateMemory(images: number, size: number, cfg: ModelConfig, batch: number, trainMask: number): MemoryEstimate {
  const tokens = (size / cfg.patch) ** 2;
  const visible = keepCount(tokens, trainMask) + 1;
  const trainStep = cfg.encDepth * blockBytes(batch, visible, cfg) + cfg.decDepth * blockBytes(batch, tokens + 1, cfg);
  return { images: images * size * size * 3 * 4, trainStep, tokens };
}

const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;

/** How the settings a message names are called where it is shown (the CLI's flags by default). */
export interface SettingNames {
  batch: string;
  rebuildSize: string;
  size: string;
}

export const CLI_SETTING_NAMES: SettingNames = { batch: '--batch', rebuildSize: '--rebuild-size', size: '--size' };
export const APP_SETTING_NAMES: SettingNames = { batch: 'Batch', rebuildSize: 'rebuild size', size: 'Size (px)' };

/** Throws an Error saying what to change when the estimate exceeds what the engine can hold (`size` is the rebuild size). */
export function checkMemory(
  est: MemoryEstimate,
  ctx: { images: number; size: number; batch: number; patch: number },
  names: SettingNames = CLI_SETTING_NAMES,
): void {
  if (est.trainStep > WASM_STEP_LIMIT_BYTES) {
    const fit = Math.max(1, Math.floor((ctx.batch * WASM_STEP_LIMIT_BYTES) / est.trainStep));
    throw new Error(
      `at ${ctx.size} px the decoder sees ${est.tokens} patches per image and one training step of batch ${ctx.batch} needs about ${gb(est.trainStep)}, more than the ${gb(WASM_STEP_LIMIT_BYTES)} the engine can hold: ` +
        (fit >= 8
          ? `use ${names.batch} ${fit} or less (or a smaller ${names.rebuildSize})`
          : `this rebuild size is too large for the ${ctx.patch}-px patch decoder: use ${names.rebuildSize} ${Math.max(32, ctx.patch * 16)} or less (the default rebuilds at most 32 px)`),
    );
  }
  if (est.images > IMAGE_MEMORY_LIMIT_BYTES) {
    throw new Error(
      `${ctx.images} images of ${ctx.size} px take about ${gb(est.images)} as decoded floats, more than ${gb(IMAGE_MEMORY_LIMIT_BYTES)}: scan fewer images at a time, or a smaller ${names.size}`,
    );
  }
}

/**
 * What a run holds at its peak, roughly, for the app's estimate before a run: the decoder
 * targets, the embeddings, each decoder's copy of its training rows, and one training step per
 * decoder training at once (`parallel`; the app trains one at a time), plus what the tab holds beyond those buffers: a fixed
 * cost (the engines' wasm heaps and modules, weights, the encoder session) and a per-image cost
 * (file handles, scores and per-witness arrays, caches), both measured in Chromium.
 */
export function runMemoryBytes(est: MemoryEstimate, images: number, embDim: number, folds: number, parallel: number, maxTrainImages: number | null): number {
  const perImage = est.images / Math.max(1, images);
  const trainRows = Math.min(maxTrainImages ?? Infinity, folds > 1 ? Math.ceil((images * (folds - 1)) / folds) : images);
  return est.images + images * embDim * 4 + folds * trainRows * perImage + parallel * est.trainStep + FIXED_BYTES + images * PER_IMAGE_BYTES;
}

/**
 * The tab's memory beyond the buffers runMemoryBytes counts, fitted to the peak resident memory
 * of the page's renderer process (its workers are threads of it) in Debian's Chromium at the
 * product defaults on the wasm backend, 1,000 and 20,000 images of 32 px (`npx tsx
 * scripts/research/app-large.ts N`, bench/app-1000.json, bench/app-20000.json). Refitted at
 * stop 25: 698 and 1,261 MiB, since the decoders train one after the other on ONNX Runtime
 * Web's threads (stop 24) instead of in two nested tfjs workers, each with its own wasm heap
 * and data (stop 18's fit: 2,389 and 3,263 MiB, a fixed 2.0 GiB and 30 KB per image). Two
 * points, two constants: a fixed 537 MiB and 13.4 KB per image; 10,000 images (951 MiB) is
 * the out-of-sample check.
 */
export const FIXED_BYTES = 537 * 1024 ** 2;
export const PER_IMAGE_BYTES = 13.4 * 1024;

/** "0.4 GB" / "850 MB". */
export function formatBytes(b: number): string {
  return b >= 1024 ** 3 ? gb(b) : `${Math.max(1, Math.round(b / 1024 ** 2))} MB`;
}
