/**
 * The one home of every option set: types, defaults and labels. The CLI, the worker, the
 * store and the tests all import from here, so defaults cannot drift between them.
 */
import type { TrimSetting } from './trim';
import type { AuxTrainSource, TrainSource } from './foldData';
import type { Combine, WitnessName } from './witnesses';

export type Layout = 'nchw' | 'nhwc';
export type RGB = [number, number, number];

/** Normalisation presets; values are applied to pixels already scaled to [0,1]. */
export const NORM_PRESETS = {
  none: { label: 'None (0..1)', mean: [0, 0, 0] as RGB, std: [1, 1, 1] as RGB },
  imagenet: { label: 'ImageNet', mean: [0.485, 0.456, 0.406] as RGB, std: [0.229, 0.224, 0.225] as RGB },
  cifar10: { label: 'CIFAR-10', mean: [0.4914, 0.4822, 0.4465] as RGB, std: [0.247, 0.2435, 0.2616] as RGB },
  clip: {
    label: 'CLIP',
    mean: [0.48145466, 0.4578275, 0.40821073] as RGB,
    std: [0.26862954, 0.26130258, 0.27577711] as RGB,
  },
  minus1to1: { label: '[-1, 1]', mean: [0.5, 0.5, 0.5] as RGB, std: [0.5, 0.5, 0.5] as RGB },
} as const;
export type NormPreset = keyof typeof NORM_PRESETS;

/** How an output of rank > 2 ([B, C, H, W], [B, tokens, C] ...) becomes one vector per image. */
export type Pooling = 'mean' | 'first';

export interface PreprocessOptions {
  /** Square side the encoder takes, in pixels. */
  size: number;
  layout: Layout;
  mean: RGB;
  std: RGB;
  /** Colour (0..255) that transparent pixels are flattened onto. */
  background: RGB;
  pooling: Pooling;
}

export const DEFAULT_PREPROCESS: PreprocessOptions = {
  size: 32,
  layout: 'nchw',
  mean: NORM_PRESETS.none.mean,
  std: NORM_PRESETS.none.std,
  background: [255, 255, 255],
  pooling: 'mean',
};

/** Architecture of the DeDe MAE-style decoder (see shared DEDE.md). */
export interface ModelConfig {
  patch: number;
  dim: number;
  heads: number;
  encDepth: number;
  decDepth: number;
  mlpRatio: number;
}

export type PresetName = 'fast' | 'paper';

export const MODEL_PRESETS: Record<PresetName, ModelConfig> = {
  /** The authors' configuration (about 7 M parameters at 32 px). */
  paper: { patch: 4, dim: 192, heads: 3, encDepth: 12, decDepth: 4, mlpRatio: 4 },
  /** CPU-sized; its AUROC cost against `paper` is measured in the README. */
  fast: { patch: 4, dim: 128, heads: 4, encDepth: 2, decDepth: 2, mlpRatio: 4 },
};

export interface TrainOptions {
  preset: PresetName;
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  /** Mask ratio while training (the paper: 0.9). */
  trainMask: number;
  /**
   * When set, the train mask ratio moves linearly from `trainMask` to this value over the
   * epochs (training closer to the scoring condition). null = the paper's constant ratio.
   */
  trainMaskEnd: number | null;
  seed: number;
  /**
   * Cross-fitting when the decoder trains on the suspect folder itself: K decoders, each scoring
   * the 1/K of images it never trained on (src/core/decoderSet.ts). 1 = the paper (one decoder).
   */
  folds: number;
  /**
   * Side in pixels of the images the decoder rebuilds, independent of the encoder's input size
   * (null = rebuildSizeFor's default). The encoder still sees its own size; the decoder's target
   * is that input downsampled by area averaging.
   */
  rebuildSize: number | null;
  /**
   * Most images one decoder trains on (a seeded sample of its training rows; null = all).
   * Every image is still scored. Bounds training memory and keeps the time budget meaningful
   * on large folders (README "Large folders").
   */
  maxTrainImages: number | null;
  /**
   * With cross-fitting on the suspect folder: the share of images, most suspicious to the
   * decoder-free witnesses, kept out of every decoder's training (still scored; trim.ts).
   * 0 = train on every image, as the authors do; 'tail' = the rows above z(1%) of either
   * decoder-free witness (at most 20%).
   */
  trim: TrimSetting;
  /**
   * Label-free stopping rule (stopRule.ts): with cross-fitting, training ends at the first epoch
   * end where the held-out decoder power reaches this, at `epochs` at the latest; null = exactly
   * `epochs` epochs (the paper).
   */
  untilPower: number | null;
}

/**
 * A mature decoder: DeDe's witness votes only from this held-out power on, and the default
 * stopping rule (stopRule.ts) ends training once it is reached. Measured per epoch on six folders without poison
 * (README "A label-free stopping rule"): DeDe's share of images above z(1%) was 7-12% at power
 * 0.70-0.80, up to 7.0% at 0.80-0.825 and 5.2% at 0.825-0.85 (a clean tail heavy enough to take
 * the verdict), at most 4.2% from 0.85 on (two seeds).
 */
export const MATURE_POWER = 0.85;

/**
 * Default training sample per decoder. The CLI's 8-minute budget buys about 24,000 training
 * samples at the fast preset's in-scan speed on one core (about 50 samples/s): 6 epochs of
 * 4,000 images, the fewest that still train the decoder (README "Choosing defaults").
 */
export const DEFAULT_MAX_TRAIN_IMAGES = 4000;

/**
 * Largest rebuild side chosen by default. At 32 px the fast decoder has 64 patches per image;
 * at 64 px 256, which makes each step about 4x slower (README "Benchmarks") for a target a
 * CPU-budget decoder cannot rebuild sharper anyway. An encoder of at most 32 px is rebuilt at
 * its own size (the paper's setting).
 */
export const DEFAULT_REBUILD_MAX = 32;

/**
 * The side the decoder rebuilds for an encoder of `inputSize` px: `given`, else the input size
 * up to DEFAULT_REBUILD_MAX. Throws when it is not a whole multiple of `patch`, or larger than
 * the encoder's input (rebuilding detail the encoder never saw).
 */
export function rebuildSizeFor(inputSize: number, patch: number, given: number | null = null): number {
  if (given !== null) {
    if (!Number.isInteger(given) || given < patch || given % patch !== 0) {
      throw new Error(`rebuild size ${given} px must be a whole multiple of the decoder's patch size ${patch} (e.g. 32 or 64)`);
    }
    if (given > inputSize) {
      throw new Error(`rebuild size ${given} px is larger than the encoder's input (${inputSize} px): use at most ${inputSize}`);
    }
    return given;
  }
  if (inputSize > DEFAULT_REBUILD_MAX) return DEFAULT_REBUILD_MAX;
  if (inputSize % patch !== 0) {
    throw new Error(
      `size ${inputSize} px is not divisible by the decoder's patch size ${patch}: use a size that is a multiple of ${patch} (e.g. --size ${Math.max(patch, Math.round(inputSize / patch) * patch)}) or a rebuild size (--rebuild-size ${Math.max(patch, Math.floor(inputSize / patch) * patch)})`,
    );
  }
  return inputSize;
}

/**
 * Training samples the default epoch count aims at, whatever the folder's size: 12 epochs of
 * 1,000 images (README "Detection": the counterfactual score still rose from 8 to 12 epochs).
 */
export const DEFAULT_TRAIN_SAMPLES = 12_000;

/** Default epochs for a training set of `images`: DEFAULT_TRAIN_SAMPLES / images, within 12-40. */
export function defaultEpochsFor(images: number): number {
  return Math.min(40, Math.max(DEFAULT_TRAIN.epochs, Math.round(DEFAULT_TRAIN_SAMPLES / Math.max(1, images))));
}

/**
 * The epochs a run plans when none were given, the same in the CLI and the app: the fast
 * preset's sample budget (defaultEpochsFor) over the rows one epoch trains, which are the
 * auxiliary folder's with `trainOn: 'aux'` and the scanned folder's otherwise (capped by
 * maxTrainImages); the paper preset keeps its own epochs.
 */
export function plannedEpochs(train: TrainOptions, trainOn: TrainSource, suspectImages: number, auxImages: number): number {
  if (train.preset === 'paper') return train.epochs;
  const rows = trainOn === 'aux' ? auxImages : suspectImages;
  return defaultEpochsFor(Math.min(rows, train.maxTrainImages ?? rows));
}

/**
 * With an auxiliary clean folder, what the decoders train on by default (foldData.ts,
 * TrainSource): 'aux' alone (one decoder), or 'both' (cross-fitted on the scanned folder plus
 * every auxiliary image). Chosen by measurement: README, Detection, "An auxiliary clean folder".
 */
export const DEFAULT_TRAIN_ON: AuxTrainSource = 'aux';

/** Default time budget of decoder training in the CLI (training stops at the epoch boundary after it). */
export const DEFAULT_BUDGET_MINUTES = 8;

export interface ScoreOptions {
  /** Mask ratio while scoring (the paper: 0.99). */
  scoreMask: number;
  /** Average the score over this many random masks (the paper: 1). */
  masks: number;
  /**
   * DeDe's score: 'counterfactual' = own error / best error from R other images' embeddings
   * (counterfactual.ts), 'raw' = the paper's sum of squared error.
   */
  kind: 'counterfactual' | 'raw';
  /** Donor embeddings per image for the counterfactual score (R). */
  draws: number;
  /** How the donor errors are summarised: their minimum or their mean. */
  statistic: 'min' | 'mean';
  /** Witnesses that vote (witnesses.ts): DeDe's rebuild, the embedding neighbourhood, the look-alike test. */
  witnesses: WitnessName[];
  /**
   * How the voting witnesses make the verdict (witnesses.ts): 'max' = the largest z over every
   * witness that passes the tail gate; 'join' = the 'excess' one, joined by every other voter
   * whose own excess is positive and at least half its (the largest z over them); 'excess' = only the one among them whose tail exceeds
   * what it showed on folders without poison (witnesses.ts NULL_TAIL) by the most; 'heaviest' =
   * only the one among them with the heaviest
   * upper tail (the most excess of suspicious images) speaks.
   */
  combine: Combine;
}

/** Defaults for the paper preset, exactly the authors' settings (epochs aside). */
export const PAPER_TRAIN: TrainOptions = {
  preset: 'paper',
  epochs: 200,
  batch: 256,
  lr: 1e-3,
  weightDecay: 1e-6,
  trainMask: 0.9,
  trainMaskEnd: null,
  seed: 0,
  folds: 1,
  rebuildSize: null,
  maxTrainImages: null,
  trim: 0,
  untilPower: null,
};

/**
 * Product defaults; each deviation from PAPER_TRAIN is justified by a measurement in the README
 * ("Choosing defaults"): train at the scoring mask (0.99: no visible patch at 32 px, so the
 * decoder learns exactly what scoring asks of it, embedding -> image), cross-fit 2 decoders so
 * no image is scored by a decoder that memorised it, and stop after the epochs the AUROC curve
 * says are enough on a CPU.
 */
export const DEFAULT_TRAIN: TrainOptions = {
  ...PAPER_TRAIN,
  preset: 'fast',
  epochs: 12,
  batch: 64,
  trainMask: 0.99,
  folds: 2,
  maxTrainImages: DEFAULT_MAX_TRAIN_IMAGES,
  untilPower: MATURE_POWER,
};

/**
 * Product scoring (README "Detection"): the counterfactual DeDe score beside the neighbourhood
 * and look-alike witnesses, the verdict given by the one whose upper tail most exceeds its own
 * measured clean tail.
 */
export const DEFAULT_SCORE: ScoreOptions = {
  scoreMask: 0.99,
  masks: 1,
  kind: 'counterfactual',
  draws: 16,
  statistic: 'min',
  witnesses: ['dede', 'density', 'lookalike'],
  combine: 'join',
};

/** The authors' scoring: raw sum of squared error, DeDe alone. */
export const PAPER_SCORE: ScoreOptions = { ...DEFAULT_SCORE, kind: 'raw', witnesses: ['dede'] };

// Threshold rules live in rules.ts; re-exported so option imports stay in one place.
export { DEFAULT_RULE, PAPER_RULE, RULE_LABELS, formatRule, parseRule, type ThresholdRule } from './rules';
