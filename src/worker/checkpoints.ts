/**
 * Decoder checkpoints in IndexedDB, one per (encoder, training images, preprocessing, training
 * options except the epoch count, cross-fitting). Saved after every epoch as core's decoder-set
 * bytes, so a reload, a crash or a lost GPU resumes from the last finished epoch, and asking
 * for more epochs continues the same decoders.
 */
import { decoderSetFromBytes, type DecoderSet } from '../core/decoderSet';
import type { PreprocessOptions, TrainOptions } from '../core/options';
import { idbDelete, idbGet, idbSet } from './idb';

export interface StoredCheckpoint {
  bytes: Uint8Array;
  epoch: number;
  savedAt: number;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Identity of a training run: everything that shapes the weights except how long it trains. */
export async function checkpointKey(
  encoderSha: string,
  imageShas: string[],
  pre: PreprocessOptions,
  train: TrainOptions,
  crossFit: boolean,
): Promise<string> {
  // Neither the epoch count nor the stopping rule changes what a checkpoint's decoders are.
  const { epochs: _epochs, untilPower: _untilPower, ...shape } = train;
  const text = JSON.stringify({ encoderSha, imageShas, pre, shape, crossFit });
  return 'ckpt:' + (await sha256(new TextEncoder().encode(text)));
}

export async function storeCheckpoint(key: string, bytes: Uint8Array, epoch: number): Promise<void> {
  const stored: StoredCheckpoint = { bytes, epoch, savedAt: Date.now() };
  await idbSet('checkpoints', key, stored);
}

/** The stored decoders for `key` (on the active backend), or null; an unreadable entry is dropped. */
export async function findCheckpoint(key: string): Promise<{ set: DecoderSet; bytes: Uint8Array; epoch: number } | null> {
  const stored = await idbGet<StoredCheckpoint>('checkpoints', key);
  if (!stored?.bytes) return null;
  try {
    return { set: decoderSetFromBytes(stored.bytes), bytes: stored.bytes, epoch: stored.epoch };
  } catch {
    await idbDelete('checkpoints', key);
    return null;
  }
}

/** Deletes the checkpoint stored under `key` (no-op for null or a missing key). */
export async function forgetCheckpoint(key: string | null): Promise<void> {
  if (key) await idbDelete('checkpoints', key);
}
