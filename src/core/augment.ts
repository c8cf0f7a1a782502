/**
 * Training augmentation (issue 7, "more for the decoder to learn from"): each scored image
 * also gives the decoder a mirrored copy, re-embedded by the frozen encoder, so the decoder
 * sees twice the (image, embedding) pairs of a small folder. The copies are training-only
 * rows (TrainData.extra) tied to their source image, so cross-fitting still never trains a
 * decoder on a copy of an image it scores. Off by default unless measured to help
 * (README "Detection").
 */
import type { AugmentedRows } from './model/batch';
import type { Embeddings, ImageBatch } from './types';

export type Augment = 'none' | 'flip';

/** Mirrors each NHWC image of `batch` left to right. */
export function flipBatch(batch: ImageBatch): ImageBatch {
  const s = batch.size;
  const out = new Float32Array(batch.data.length);
  for (let i = 0; i < batch.count; i++) {
    for (let y = 0; y < s; y++) {
      const row = (i * s + y) * s * 3;
      for (let x = 0; x < s; x++) {
        const from = row + x * 3;
        const to = row + (s - 1 - x) * 3;
        out[to] = batch.data[from];
        out[to + 1] = batch.data[from + 1];
        out[to + 2] = batch.data[from + 2];
      }
    }
  }
  return { count: batch.count, size: s, data: out };
}

/** Augmented rows (images and their embeddings) with source row i for image i. */
export function augmentedRows(images: ImageBatch, emb: Embeddings): AugmentedRows {
  return { images, emb, source: Int32Array.from({ length: images.count }, (_, i) => i) };
}
