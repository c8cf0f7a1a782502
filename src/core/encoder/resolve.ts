/**
 * Settles the preprocessing from what the model fixes and what the user gave: the model wins
 * where it declares a value, a conflicting user value is an error, a missing one is asked for.
 */
import { DEFAULT_PREPROCESS, rebuildSizeFor, type PreprocessOptions } from '../options';
import type { EncoderInfo } from '../types';

export interface ResolvedPreprocess {
  pre: PreprocessOptions;
  /** Side the decoder rebuilds (options.rebuildSizeFor); the input size when no patch was given. */
  rebuild: number;
  /** Where size and layout came from, in words (shown as "settings" by the CLI and the app). */
  notes: string[];
}

/**
 * Size and layout from the model when fixed, else from `given`; everything else from `given`
 * or DEFAULT_PREPROCESS. With `patch`, also settles the decoder's rebuild size (`rebuildGiven`
 * or the default), which the patch must divide.
 */
export function resolvePreprocess(
  info: EncoderInfo,
  given: Partial<PreprocessOptions>,
  patch?: number,
  rebuildGiven: number | null = null,
): ResolvedPreprocess {
  const notes: string[] = [];
  let size: number;
  if (info.inputSize !== null) {
    if (given.size !== undefined && given.size !== info.inputSize) {
      throw new Error(
        `size mismatch: the encoder takes ${info.inputSize} px images (fixed in the model) but size ${given.size} was given: drop --size or pass --size ${info.inputSize}`,
      );
    }
    size = info.inputSize;
    notes.push(`size ${size} px (from the model)`);
  } else if (given.size !== undefined) {
    size = given.size;
    notes.push(`size ${size} px (given; the model's input size is dynamic)`);
  } else {
    throw new Error(
      "the encoder's input size is dynamic: give the size it was trained on with --size <px>",
    );
  }
  if (!Number.isInteger(size) || size < 1) throw new Error(`size ${size} is not a positive whole number of pixels`);
  const rebuild = patch !== undefined ? rebuildSizeFor(size, patch, rebuildGiven) : size;
  if (rebuild !== size) notes.push(`decoder rebuilds ${rebuild} px (area-averaged from ${size} px)`);

  let layout = info.layout;
  if (layout !== null) {
    if (given.layout !== undefined && given.layout !== layout) {
      throw new Error(
        `layout mismatch: the encoder takes ${layout.toUpperCase()} input (channel axis of size 3 in the model) but ${given.layout.toUpperCase()} was given: drop --layout`,
      );
    }
    notes.push(`layout ${layout.toUpperCase()} (from the model)`);
  } else if (given.layout !== undefined) {
    layout = given.layout;
    notes.push(`layout ${layout.toUpperCase()} (given; the model does not fix its channel axis)`);
  } else {
    throw new Error(
      "the encoder's input does not fix its channel axis: give --layout nchw (PyTorch) or --layout nhwc (TensorFlow)",
    );
  }

  const pre: PreprocessOptions = {
    size,
    layout,
    mean: given.mean ?? DEFAULT_PREPROCESS.mean,
    std: given.std ?? DEFAULT_PREPROCESS.std,
    background: given.background ?? DEFAULT_PREPROCESS.background,
    pooling: given.pooling ?? DEFAULT_PREPROCESS.pooling,
  };
  checkNormalisation(pre);
  return { pre, rebuild, notes };
}

/**
 * Mean and std apply to pixels on [0, 1], background is 0-255. Values outside these ranges are
 * almost always a unit mistake (mean 123.7 is 0-255 units) or a typo (std 1e-30 turns every
 * pixel into a huge number and the scores into NaN after the whole training): refuse them now.
 */
export function checkNormalisation(pre: Pick<PreprocessOptions, 'mean' | 'std' | 'background'>): void {
  const list = (v: readonly number[]) => v.join(',');
  if (pre.std.some((s) => !Number.isFinite(s) || s <= 0)) throw new Error(`std ${list(pre.std)} must be positive in every channel`);
  if (pre.std.some((s) => s < 1e-3 || s > 2)) {
    throw new Error(
      `std ${list(pre.std)} is outside 0.001-2: give it for pixels on [0,1] (ImageNet's is 0.229,0.224,0.225; divide 0-255 values by 255)`,
    );
  }
  if (pre.mean.some((m) => !Number.isFinite(m) || m < -1 || m > 2)) {
    throw new Error(
      `mean ${list(pre.mean)} is outside -1 to 2: give it for pixels on [0,1] (ImageNet's is 0.485,0.456,0.406; divide 0-255 values by 255)`,
    );
  }
  if (pre.background.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) {
    throw new Error(`background ${list(pre.background)} must be three whole numbers from 0 to 255, e.g. 255,255,255`);
  }
}
