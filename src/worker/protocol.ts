/**
 * The messages between the UI and the compute worker: plain data only (typed arrays,
 * strings, numbers, File handles), defined once and imported as types by both sides.
 */
import type { WitnessName } from '../core/witnesses';
import type { PreprocessOptions, ScoreOptions, TrainOptions } from '../core/options';
import type { DecoderPower } from '../core/power';
import type { TrainSource } from '../core/foldData';
import type { EncoderInfo, Progress, SkippedFile } from '../core/types';
import type { BackendChoice, BackendInfo } from './backend';

export type { BackendChoice, BackendInfo, BackendName } from './backend';
export type { DecoderPower } from '../core/power';

/** A file as the UI hands it over: the relative path and the browser's File handle (not its bytes). */
export interface FileRef {
  path: string;
  file: Blob;
}

export type ImageRole = 'suspect' | 'aux';

export interface ImageSetReport {
  role: ImageRole;
  /** Relative paths of the readable images, in the order the worker keeps them. */
  paths: string[];
  skipped: SkippedFile[];
}

/** An RGBA picture for a canvas (ImageData layout). */
export interface RgbaTile {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** What the encoder will see for one image: its 8-bit view, and the value range after normalisation. */
export interface PreviewTile extends RgbaTile {
  path: string;
  range: [number, number];
}

export interface RunSettings {
  preprocess: PreprocessOptions;
  train: TrainOptions;
  score: ScoreOptions;
  /** Train the decoder on the suspect folder itself or on the auxiliary folder. */
  trainOn: TrainSource;
  backend: BackendChoice;
  /** The encoder output embedded (for a model with several; restored with the session). */
  encoderOutput?: string | null;
}

/** Input and reconstruction of the fixed probe images, refreshed every epoch. */
export interface ProbeGrid {
  inputs: RgbaTile[];
  recons: RgbaTile[];
}

export type RunPhase = 'embedding' | 'training' | 'scoring';

/** What the worker reports while a run goes on; one union keyed on `type`. */
export type RunEvent =
  | { type: 'phase'; phase: RunPhase }
  | { type: 'progress'; progress: Progress }
  | { type: 'epoch'; epoch: number; epochs: number; loss: number; probe: ProbeGrid | null }
  | { type: 'paused'; paused: boolean }
  | { type: 'backend'; backend: BackendInfo }
  | { type: 'notice'; level: 'info' | 'warn'; message: string };

export interface RunResult {
  /** 'cancelled' when the user stopped the run before scoring. */
  status: 'done' | 'cancelled';
  files: string[];
  /** One score per file (same order as `files`); empty when cancelled. */
  scores: Float32Array;
  /** Decoder power (AUROC of swapped vs own embeddings), when measured. */
  power: DecoderPower | null;
  backend: BackendInfo;
  /** Seconds per phase. */
  timings: Record<string, number>;
  epochsTrained: number;
  /** Epoch the run resumed from (a stored checkpoint), 0 for a fresh decoder. */
  resumedFrom: number;
  /** The stopping rule's held-out power after each epoch it checked (core/stopRule.ts), or null. */
  powerByEpoch: { epoch: number; power: number }[] | null;
  /** The preprocessing actually used (the model's fixed size/layout applied). */
  pre: PreprocessOptions | null;
  /** Side in pixels the decoder rebuilt (the encoder saw pre.size). */
  rebuildSize: number | null;
  embDim: number;
  /** Parameters of one decoder. */
  paramCount: number;
  /** Decoders trained (cross-fitting folds, else 1). */
  decoders: number;
  lossHistory: number[];
  trainImages: number;
  skipped: SkippedFile[];
  auxSkipped: SkippedFile[];
  /** The paper's raw DeDe error per file (`scores` is the calibrated combination by default). */
  raw: Float32Array;
  /** True when `scores` is the witnesses' max robust z (core/witnesses.ts). */
  calibrated: boolean;
  /** Each witness's own score and calibrated z per file. */
  witnesses: RunWitness[];
  /** Per file, the row whose embedding rebuilt it best (counterfactual score), or null. */
  bestDonor: Int32Array | null;
  /** Families of nearly coinciding embeddings among the images the default rule flags (rows). */
  families: number[][];
  /** The cosine that linked them on this folder (core/density.ts familyCosFor), or null. */
  familyCos: number | null;
}

export interface RunWitness {
  name: WitnessName;
  score: Float32Array;
  z: Float32Array;
  fit: { median: number; sigma: number };
  /** Share above z(0.01) and whether it votes (core/witnesses.ts tail gate). */
  tailShare: number;
  votes: boolean;
  /** The witness that took this one's vote (combine: 'join', 'excess' or 'heaviest'), else null. */
  outvotedBy: WitnessName | null;
  /** DeDe only: the decoder power when below the vote's minimum, else null. */
  lowPower: number | null;
}

/** One gallery sample as the encoder's space shows it: input | reconstruction | error heatmap. */
export interface SampleView {
  index: number;
  input: RgbaTile;
  recon: RgbaTile;
  heat: RgbaTile;
  /** Its best counterfactual: the rebuild from the embedding of the image `index` that rebuilt it best. */
  donor: { index: number; recon: RgbaTile } | null;
}

/** The embedding map's points: row-major (x, y) per scored file, on the first two principal axes. */
export interface EmbeddingMap {
  xy: Float32Array;
  /** Share of the embeddings' variance on each axis. */
  explained: [number, number];
  /** Rows the axes were fitted on (an evenly spaced sample of a large folder). */
  fitRows: number;
  dim: number;
}

export interface DemoManifest {
  encoder: string;
  /** Image paths, relative to `imagesDir` (default "images/"). */
  images: string[];
  imagesDir?: string;
  labels?: string;
  /** Clean images of the same kind (paths relative to `auxDir`, default "aux/"): the demo trains its decoder on them, as `--aux`. */
  aux?: string[];
  auxDir?: string;
  /** Pre-trained decoders for the demo at the app's defaults (scripts/fixtures/make_demo_decoder.ts). */
  decoder?: string;
  preprocess?: Partial<Pick<PreprocessOptions, 'size' | 'layout' | 'mean' | 'std'>>;
  target?: string;
  trigger?: string;
}

export interface DemoLoad {
  manifest: DemoManifest;
  encoder: EncoderInfo;
  images: ImageSetReport;
  aux: ImageSetReport | null;
  labelsCsv: string | null;
}

/** The latest run's inputs, restored after a reload (see worker/sessionStore.ts). */
export interface RestoredSession {
  settings: RunSettings;
  meta: Record<string, unknown>;
  status: 'running' | 'done';
  /** Epochs finished when the session was last saved. */
  epoch: number;
  savedAt: number;
  encoder: EncoderInfo;
  suspect: ImageSetReport;
  aux: ImageSetReport | null;
}
