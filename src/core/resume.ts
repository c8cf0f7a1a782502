/**
 * Resuming a scan from a checkpoint: what a decoder set was trained for (its identity), and
 * the checks that refuse a checkpoint made for another encoder, other images, preset, seed,
 * fold count or image count (its folds would no longer match the rows).
 */
import type { TrainSource } from './foldData';
import type { PreprocessOptions, TrainOptions } from './options';
import { MODEL_PRESETS } from './options';
import { decoderSetFromBytes, disposeDecoderSet, type DecoderSet, type SetIdentity } from './decoderSet';
import { sha256Hex } from './hash';
import type { LoadedImages } from './pipeline';

/**
 * Restores a decoder set from checkpoint bytes, refusing one made for another encoder, preset,
 * seed, fold count or image count (its folds would no longer match the rows).
 */
export function resumeSet(
  bytes: Uint8Array,
  dims: { imageSize: number; embDim: number },
  train: TrainOptions,
  expected: { decoders: number; rows: number; identity: SetIdentity },
): DecoderSet {
  const set = decoderSetFromBytes(bytes);
  const redo = 'use another checkpoint file, or delete it to train afresh';
  try {
    const id = set.identity;
    if (!id) throw new Error(`the checkpoint does not record which encoder and images it was trained for (an older format): ${redo}`);
    if (id.encoder !== expected.identity.encoder) {
      throw new Error(`the checkpoint was trained for another encoder (sha-256 ${id.encoder.slice(0, 12)}..., this one is ${expected.identity.encoder.slice(0, 12)}...): ${redo}`);
    }
    if (id.images !== expected.identity.images) {
      throw new Error(`the checkpoint was trained on other images or other preprocessing than this scan's: ${redo}`);
    }
    const cfg = JSON.stringify(MODEL_PRESETS[train.preset]);
    set.states.forEach((state, f) => {
      const m = state.model;
      if (m.imageSize !== dims.imageSize || m.embDim !== dims.embDim) {
        throw new Error(
          `the checkpoint was trained for ${m.imageSize} px images and ${m.embDim}-d embeddings, not ${dims.imageSize} px and ${dims.embDim}-d: ${redo}`,
        );
      }
      if ((state.opts.trim ?? 0) !== train.trim) {
        throw new Error(`the checkpoint was trained with --trim ${state.opts.trim ?? 0}, this scan asks ${train.trim}: pass the same --trim, or ${redo}`);
      }
      if (JSON.stringify(m.cfg) !== cfg || state.seed !== train.seed + f) {
        throw new Error(
          `the checkpoint was trained with preset ${state.opts.preset} and seed ${state.seed - f}: pass the same --preset and --seed, or ${redo}`,
        );
      }
    });
    const rows = set.parts ? set.parts.reduce((a, p) => a + p.length, 0) : null;
    if (set.states.length !== expected.decoders || (rows !== null && rows !== expected.rows)) {
      throw new Error(
        `the checkpoint holds ${set.states.length} decoder(s)${rows !== null ? ` for ${rows} images` : ''}, this scan needs ${expected.decoders} for ${expected.rows}: ${redo}`,
      );
    }
  } catch (err) {
    disposeDecoderSet(set);
    throw err;
  }
  return set;
}

/** Hash of what the decoders train on and score: every image's path and sha-256, and the preprocessing. */
type NamedImages = Pick<LoadedImages, 'paths' | 'imageShas'>;

export async function setIdentity(
  encoderSha: string,
  pre: PreprocessOptions,
  suspect: NamedImages,
  aux: NamedImages | null,
  trainOn: TrainSource = aux ? 'aux' : 'suspect',
): Promise<SetIdentity> {
  const list = (l: NamedImages) => l.paths.map((p, i) => [p, l.imageShas[i]]);
  // 'both' is named; the older sources keep the identities their checkpoints were saved with.
  const text = JSON.stringify({ pre, suspect: list(suspect), aux: aux ? list(aux) : null, ...(aux && trainOn === 'both' ? { trainOn } : {}) });
  return { encoder: encoderSha, images: await sha256Hex(new TextEncoder().encode(text)) };
}

