/**
 * Shared data shapes of the engine. Plain data only (typed arrays, strings, numbers), so every
 * value here can cross a worker boundary or be written to disk unchanged.
 */
import type { Layout, PreprocessOptions } from './options';

/** A file as both the browser and Node can give it: a relative path with `/` and its bytes. */
export interface InputFile {
  /** Path relative to the dropped / given folder root, `/` separators, no root folder name. */
  path: string;
  bytes: Uint8Array;
}

/**
 * An image file whose bytes are read only when its chunk is decoded (the CLI lists a folder
 * this way, so a folder of large photos is never held in memory at once). `read` may throw
 * (unreadable file): the image is then skipped with the reason.
 */
export interface LazyInputFile {
  path: string;
  read(): Promise<Uint8Array>;
}

/** What the image pipeline accepts: bytes in hand (the app) or read on demand (the CLI). */
export type ImageInput = InputFile | LazyInputFile;

/** A decoded image, 8-bit RGBA, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * A batch of preprocessed images in the decoder's space: NHWC float32, already normalised by
 * mean/std, `count * size * size * 3` values.
 */
export interface ImageBatch {
  count: number;
  size: number;
  data: Float32Array;
}

/** What the app and the CLI show about a loaded encoder. */
export interface EncoderInfo {
  format: 'onnx' | 'tfjs-graph' | 'tfjs-layers';
  /** sha-256 of the model bytes (all files, in name order, for tfjs folders). */
  sha256: string;
  inputName: string;
  /** The output used as the embedding (chosen by name, see encoder/onnx.ts chooseOutput). */
  outputName: string;
  /** Every output the model declares, with its declared shape (-1 = dynamic). */
  outputs: { name: string; shape: number[] }[];
  /** Raw input shape as the model declares it; -1 for a dynamic dimension. */
  inputShape: number[];
  /** Side in pixels when the model fixes it, else null (the user must give --size). */
  inputSize: number | null;
  /** Layout when the model fixes it (channel axis of size 3), else null (give --layout). */
  layout: Layout | null;
  /** Embedding length after pooling, when known before running. */
  embDim: number | null;
}

/** A loaded, frozen image encoder. */
export interface Encoder {
  readonly info: EncoderInfo;
  /**
   * Embeds `batch` (NHWC, normalised, as produced by preprocessing) and returns
   * `batch.count * embDim` floats, pooled per `opts.pooling`. The encoder converts to its
   * own layout.
   */
  embed(batch: ImageBatch, opts: PreprocessOptions): Promise<{ dim: number; data: Float32Array }>;
  dispose(): Promise<void>;
}

/** Embeddings of N images, row-major `count * dim`. */
export interface Embeddings {
  count: number;
  dim: number;
  data: Float32Array;
}

/** A file that could not be used, and why, in words an analyst can act on. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export type Phase = 'decoding' | 'embedding' | 'training' | 'scoring' | 'power';

/**
 * Progress of a long job: one discriminated union, defined once. `done` never decreases
 * within a phase and reaches `total` when the phase ends. `etaSeconds` is null until known.
 */
export type Progress =
  | { phase: 'decoding' | 'embedding' | 'scoring' | 'power'; done: number; total: number; etaSeconds: number | null }
  | {
      phase: 'training';
      done: number;
      total: number;
      etaSeconds: number | null;
      epoch: number;
      epochs: number;
      loss: number;
    };
