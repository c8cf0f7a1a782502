/** Mini-batches cut from the plain typed arrays of `types.ts`, as tensors. */
import * as tf from '@tensorflow/tfjs';
import type { Embeddings, ImageBatch } from '../types';

/** Images and their victim-encoder embeddings, row i of each belonging together. */
export interface TrainData {
  images: ImageBatch;
  emb: Embeddings;
  /**
   * Augmented copies for training only (src/core/augment.ts): never scored. `source[j]` is the
   * row of `images` that copy j was made from, so a cross-fitted decoder trains on the copies
   * of its own training rows only and never on a copy of an image it will score. Source -1
   * marks an auxiliary clean image (not a copy of any scored row): every decoder trains on it.
   */
  extra?: AugmentedRows;
}

/** Training-only rows made from the scored images (flips, ...), each with its source row. */
export interface AugmentedRows {
  images: ImageBatch;
  emb: Embeddings;
  source: Int32Array;
}

/** Copies rows `idx` (each `rowLen` floats) of `src` into one new array, in order. */
export function gatherRows(src: Float32Array, rowLen: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * rowLen);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i] * rowLen, (idx[i] + 1) * rowLen), i * rowLen);
  return out;
}

/** The images [n,S,S,3] and embeddings [n,dim] of rows `idx`; the caller disposes them. */
export function batchTensors(data: TrainData, idx: ArrayLike<number>): { images: tf.Tensor4D; emb: tf.Tensor2D } {
  const { images, emb } = data;
  const s = images.size;
  return {
    images: tf.tensor4d(gatherRows(images.data, s * s * 3, idx), [idx.length, s, s, 3]),
    emb: tf.tensor2d(gatherRows(emb.data, emb.dim, idx), [idx.length, emb.dim]),
  };
}

/** Throws a readable Error when the data cannot feed a model of this size. */
export function checkData(data: TrainData, imageSize: number, embDim: number): void {
  const { images, emb } = data;
  if (images.count < 1) throw new Error('no images to train on or score');
  if (images.count !== emb.count)
    throw new Error(`${images.count} images but ${emb.count} embeddings: they must pair up one to one`);
  if (images.size !== imageSize) throw new Error(`images are ${images.size} px but the decoder expects ${imageSize} px`);
  if (emb.dim !== embDim) throw new Error(`embeddings have length ${emb.dim} but the decoder expects ${embDim}`);
  if (images.data.length !== images.count * images.size * images.size * 3)
    throw new Error('image batch data length does not match count * size * size * 3');
  if (emb.data.length !== emb.count * emb.dim) throw new Error('embedding data length does not match count * dim');
}
