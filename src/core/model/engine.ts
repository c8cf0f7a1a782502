/**
 * Which engine runs the decoder's training steps in this thread. tfjs (`trainStep`) is the
 * default everywhere; a host that has ONNX Runtime registers `OrtStepEngine` (onnx/ortStep.ts),
 * which runs the same step (same masks, loss, gradients and Adam, to float rounding) as one
 * ONNX graph on the runtime's own kernels, its forward pass for scoring (`predict`) and the
 * witnesses' pairwise products (`products`); tfjs then only assembles scores and rebuilds from
 * the predicted patches.
 */
import type { TrainData } from './batch';
import type { DedeModel } from './dede';
import type { MaskPlan } from './patches';
import type { TrainState } from './train';

/** Steps on one train state; `sync` writes the weights and optimizer moments back into it. */
export interface StepRun {
  step(data: TrainData, idx: ArrayLike<number>, ratio: number): Promise<number>;
  sync(): void;
}

export interface StepEngine {
  /** In words, e.g. 'onnxruntime-node cpu x1'. */
  readonly name: string;
  begin(state: TrainState): Promise<StepRun>;
  /**
   * The model's predicted patches [B, T, 3p^2] for rows `idx` of `data` under `plan`
   * (DedeModel.predictPatches' values), for scoring and rebuilds.
   */
  predict?(model: DedeModel, data: TrainData, idx: ArrayLike<number>, plan: MaskPlan): Promise<Float32Array>;
  /**
   * Multiplies blocks of `rows` rows by the transpose of `reference` ([m, width], row-major),
   * for the decoder-free witnesses' pairwise products (pairwise.ts).
   */
  products?(reference: Float32Array, m: number, width: number, rows: number): Promise<ProductRun>;
}

/** Products of row blocks with one fixed matrix (StepEngine.products). */
export interface ProductRun {
  /** block [rows, width] times the reference's transpose: [rows, m]. */
  run(block: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

let current: StepEngine | null = null;

/** Registers the engine that `trainEpochs` uses in this thread (null: tfjs). */
export function setStepEngine(engine: StepEngine | null): void {
  current = engine;
}

export function stepEngine(): StepEngine | null {
  return current;
}

/** 'tfjs' or the registered engine's name, for reports. */
export function stepEngineName(): string {
  return current?.name ?? 'tfjs';
}
