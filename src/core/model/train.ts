/**
 * Training the DeDe decoder: seeded shuffling per epoch, per-step random masks, Adam with
 * torch-style weight decay, cooperative stop between steps and exact resume. Every random
 * choice derives from (seed, epoch) or (seed, step), so a run that is stopped, checkpointed
 * and resumed produces the same weights as one that never stopped.
 */
import * as tf from '@tensorflow/tfjs';
import { MODEL_PRESETS, type ModelConfig, type TrainOptions } from '../options';
import type { Progress } from '../types';
import { Adam, ADAM_DEFAULTS, type AdamConfig } from './adam';
import { batchTensors, checkData, type TrainData } from './batch';
import { DedeModel } from './dede';
import { stepEngine, type StepRun } from './engine';
import { planMasks } from './patches';
import { Rng, STREAM } from './rng';

export type { TrainData } from './batch';
export { saveCheckpoint, saveCheckpointAsync, loadCheckpoint, checkpointToBytes, checkpointFromBytes } from './checkpoint';
export type { Checkpoint, CheckpointHeader } from './checkpoint';

export interface TrainState {
  model: DedeModel;
  optimizer: Adam;
  /** Options of the latest `trainEpochs` call (or of creation). */
  opts: TrainOptions;
  /** Root of every random stream (init, shuffles, masks). */
  seed: number;
  /** Completed epochs. */
  epoch: number;
  /** Completed optimizer steps, over all epochs. */
  step: number;
  /** Completed steps of the current, unfinished epoch (0 at an epoch boundary). */
  epochStep: number;
  /** Sample-weighted loss sum and sample count of the unfinished epoch. */
  epochLossSum: number;
  epochLossCount: number;
  /** Mean training loss of each completed epoch. */
  lossHistory: number[];
}

export interface TrainHooks {
  /** After each step; `done` counts steps of the whole run, `loss` is the epoch's running mean. */
  onProgress?(p: Extract<Progress, { phase: 'training' }>): void;
  /** After each completed epoch (1-based count) with its mean loss; awaited (e.g. to checkpoint). */
  onEpoch?(epoch: number, meanLoss: number): void | Promise<void>;
  /** Checked before each step; true stops at that step boundary, resumable with the same state. */
  shouldStop?(): boolean;
  /** Return once this many epochs are complete (default: opts.epochs), e.g. to interleave several decoders. */
  untilEpoch?: number;
}

export function adamConfig(opts: TrainOptions): AdamConfig {
  return { ...ADAM_DEFAULTS, lr: opts.lr, weightDecay: opts.weightDecay };
}

/** A fresh model (architecture from `opts.preset` unless `cfg` is given) and optimizer. */
export function createTrainState(
  dims: { imageSize: number; embDim: number },
  opts: TrainOptions,
  cfg: ModelConfig = MODEL_PRESETS[opts.preset],
): TrainState {
  return {
    model: DedeModel.create(cfg, dims.imageSize, dims.embDim, opts.seed),
    optimizer: new Adam(adamConfig(opts)),
    opts,
    seed: opts.seed,
    epoch: 0,
    step: 0,
    epochStep: 0,
    epochLossSum: 0,
    epochLossCount: 0,
    lossHistory: [],
  };
}

/** Mask ratio of epoch e (0-based): trainMask, or linear from trainMask to trainMaskEnd over the epochs. */
export function trainMaskAt(opts: TrainOptions, epoch: number): number {
  if (opts.trainMaskEnd === null || opts.epochs <= 1) return opts.trainMask;
  const f = Math.min(1, epoch / (opts.epochs - 1));
  return opts.trainMask + (opts.trainMaskEnd - opts.trainMask) * f;
}

/** Steps in one epoch: the last, partial batch is kept (torch's drop_last=False). */
export function stepsPerEpoch(count: number, batch: number): number {
  return Math.ceil(count / batch);
}

/** One optimizer step on rows `idx` at mask ratio `ratio`; returns the batch loss. */
export async function trainStep(state: TrainState, data: TrainData, idx: ArrayLike<number>, ratio: number): Promise<number> {
  const { model, optimizer } = state;
  const rng = Rng.derive(state.seed, STREAM.trainMask, state.step);
  const plan = planMasks(idx.length, model.tokens, ratio, () => rng);
  const vars = [...model.variables.values()];
  const lossT = tf.tidy(() => {
    const { images, emb } = batchTensors(data, idx);
    const { value, grads } = tf.variableGrads(() => model.loss(images, emb, plan, ratio), vars);
    optimizer.apply(model.variables, grads);
    return value;
  });
  const loss = (await lossT.data())[0];
  lossT.dispose();
  state.step += 1;
  return loss;
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains until `opts.epochs` epochs are complete or `shouldStop()` says stop. Mutates
 * `state`; calling again with the same state and options resumes exactly where it stopped.
 */
export async function trainEpochs(state: TrainState, data: TrainData, opts: TrainOptions, hooks: TrainHooks = {}): Promise<{ stopped: boolean }> {
  const { model } = state;
  checkData(data, model.imageSize, model.embDim);
  if (!(opts.batch >= 1)) throw new Error(`batch must be >= 1, got ${opts.batch}`);
  state.opts = opts;
  state.optimizer.config = adamConfig(opts);
  const n = data.images.count;
  const spe = stepsPerEpoch(n, opts.batch);
  const total = opts.epochs * spe;
  const started = performance.now();
  let stepsHere = 0;
  const until = Math.min(opts.epochs, hooks.untilEpoch ?? opts.epochs);
  if (state.epoch >= until) return { stopped: false };
  // Another engine (engine.ts) holds the weights while it steps; `sync` hands them back before
  // anything outside this loop (hooks, checkpoints, scoring) reads the state.
  const engine = stepEngine();
  const run: StepRun | null = engine ? await engine.begin(state) : null;
  const step = (idx: ArrayLike<number>, ratio: number): Promise<number> => (run ? run.step(data, idx, ratio) : trainStep(state, data, idx, ratio));
  while (state.epoch < until) {
    const order = Rng.derive(state.seed, STREAM.shuffle, state.epoch).permutation(n);
    const ratio = trainMaskAt(opts, state.epoch);
    while (state.epochStep < spe) {
      if (hooks.shouldStop?.()) {
        run?.sync();
        return { stopped: true };
      }
      const from = state.epochStep * opts.batch;
      const idx = order.subarray(from, Math.min(from + opts.batch, n));
      const loss = await step(idx, ratio);
      state.epochStep += 1;
      state.epochLossSum += loss * idx.length;
      state.epochLossCount += idx.length;
      stepsHere += 1;
      const done = Math.min(total, state.epoch * spe + state.epochStep);
      const perStep = (performance.now() - started) / 1000 / stepsHere;
      hooks.onProgress?.({
        phase: 'training',
        done,
        total,
        etaSeconds: perStep * (total - done),
        epoch: state.epoch + 1,
        epochs: opts.epochs,
        loss: state.epochLossSum / state.epochLossCount,
      });
      // Let the host handle messages (pause/cancel) between steps.
      await nextTask();
    }
    const mean = state.epochLossSum / Math.max(1, state.epochLossCount);
    state.lossHistory.push(mean);
    state.epoch += 1;
    state.epochStep = 0;
    state.epochLossSum = 0;
    state.epochLossCount = 0;
    run?.sync();
    await hooks.onEpoch?.(state.epoch, mean);
  }
  return { stopped: false };
}

/** Frees the model's and optimizer's tensors. */
export function disposeTrainState(state: TrainState): void {
  state.model.dispose();
  state.optimizer.dispose();
}
