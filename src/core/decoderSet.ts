/**
 * Cross-fitted decoders: a deviation from the paper, chosen by measurement (README, "Choosing
 * defaults"). When the decoder trains on the suspect folder itself, a long-trained decoder
 * starts to memorise the triggered images it saw (their embeddings are near-identical but not
 * equal), and their scores fall: on the fixture AUROC peaked after a few epochs and then
 * dropped. With `folds` = K > 1 the folder is split into K seeded parts and decoder f trains on
 * every part but f, then scores only part f: every image is scored by a decoder that never saw
 * it, so longer training can only help. K = 1 is the paper's behaviour (train and score on
 * all); with an auxiliary training folder there is nothing to hold out and one decoder is used.
 */
import type { ModelConfig, TrainOptions } from './options';
import type { MaskScoring } from './model/score';
import { MODEL_PRESETS } from './options';
import {
  checkpointFromBytes,
  checkpointToBytes,
  createTrainState,
  disposeTrainState,
  loadCheckpoint,
  saveCheckpoint,
  scoreImages,
  stepsPerEpoch,
  trainEpochs,
  type TrainData,
  type TrainHooks,
  type TrainState,
} from './model';
import { Rng } from './model/rng';
import { decoderFreeSuspicion, trimmedRows } from './trim';
import { subsetData, trainDataFor } from './foldData';
import type { Progress } from './types';
import type { ScoreHooks } from './model/score';
import type { StopRule } from './stopRule';

/** Rows of the scored set that decoder f holds out (and scores). `null`: one decoder, no hold-out. */
export type FoldParts = number[][] | null;

/**
 * What a decoder set was trained for: the encoder's sha-256 and a hash of the training and
 * scored images (paths and contents) with their preprocessing. A checkpoint carries it so a
 * resume with another encoder or other images is refused, not silently scored.
 */
export interface SetIdentity {
  encoder: string;
  images: string;
}

export interface DecoderSet {
  /** parts[f] = rows scored by decoder f; null when one decoder scores every row. */
  parts: FoldParts;
  states: TrainState[];
  /** Set by the caller that knows the inputs (runScan); saved in and read from the bytes. */
  identity?: SetIdentity | null;
  /**
   * Rows no decoder trains on (TrainOptions.trim; trim.ts), found before the first epoch and
   * found again, identically, after a resume from bytes; null or absent: none.
   */
  excluded?: number[] | null;
}

/** Seeded balanced split of rows 0..n-1 into k parts (k >= 2), each sorted ascending. */
export function planFolds(n: number, k: number, seed: number): number[][] {
  if (!(k >= 2 && Number.isInteger(k))) throw new Error(`folds must be an integer >= 2, got ${k}`);
  if (n < 2 * k) throw new Error(`${n} images are too few for ${k} folds: use --folds 1 or give more images`);
  const order = Rng.derive(seed, 101).permutation(n);
  const parts: number[][] = Array.from({ length: k }, () => []);
  order.forEach((row, i) => parts[i % k].push(row));
  return parts.map((p) => p.sort((a, b) => a - b));
}

/**
 * A fresh set: with `folds` > 1 and `crossFit` (training on the scored folder itself), one
 * decoder per fold; otherwise one decoder. Decoder f is seeded with seed + f.
 */
export function createDecoderSet(
  dims: { imageSize: number; embDim: number },
  opts: TrainOptions,
  scoredCount: number,
  crossFit: boolean,
  cfg: ModelConfig = MODEL_PRESETS[opts.preset],
): DecoderSet {
  const k = crossFit ? opts.folds : 1;
  const parts = k > 1 ? planFolds(scoredCount, k, opts.seed) : null;
  const states = Array.from({ length: k }, (_, f) => createTrainState(dims, { ...opts, seed: opts.seed + f }, cfg));
  return { parts, states };
}

/**
 * Trains decoders of a set somewhere else (another thread, another core) one epoch at a time.
 * The hand-over is the decoder's whole training state as checkpoint bytes, which resumes
 * exactly (train.ts), so a fold trained by a runner ends bit-identical to one trained here.
 */
export interface FoldRunner {
  /** Decoders it can train at the same time as the caller trains its own. */
  readonly slots: number;
  /** Trains the state in `state` (checkpoint bytes) on `data` up to `untilEpoch`; resolves with its new bytes. */
  trainEpoch(req: { state: Uint8Array; data: TrainData; opts: TrainOptions; untilEpoch: number; onStep(epochStep: number): void }): Promise<Uint8Array>;
  /** Abandons the epochs in flight (their states stay at the last finished epoch). */
  cancel(): void;
}

/**
 * Trains every decoder of the set, interleaved epoch by epoch (so a loss curve and a stop
 * cover all of them); `onProgress` counts steps over all decoders, `onEpoch` reports the mean
 * loss over decoders. Resumable: calling again with the same set continues where it stopped.
 * With `hooks.runner`, up to `runner.slots` decoders train their epoch elsewhere while this
 * thread trains one (cross-fitted folds in parallel on several cores, the same results).
 */
export async function trainDecoderSet(
  set: DecoderSet,
  data: TrainData,
  opts: TrainOptions,
  hooks: TrainHooks & { budgetSeconds?: number | null; runner?: FoldRunner | null; stopRule?: StopRule | null } = {},
): Promise<{ stopped: boolean; budgetHit?: boolean; ruleHit?: boolean }> {
  // Trimming applies when the decoders train on the folder they score (cross-fitted).
  if ((opts.trim ?? 0) !== 0 && set.parts && !set.excluded) {
    set.excluded = trimmedRows(await decoderFreeSuspicion(data, opts.seed, { shouldStop: hooks.shouldStop }), opts.trim);
  }
  // A stopping rule (stopRule.ts) ends training before opts.epochs once the decoders are good enough.
  const rule = hooks.stopRule ?? null;
  if (rule) {
    // A resumed set may already be there.
    const have = Math.min(...set.states.map((s) => s.epoch));
    if (have >= 1 && (await rule.check(set, have))) return { stopped: false, ruleHit: true };
  }
  const subsets = set.states.map((_, f) => trainDataFor(set, data, f, opts.maxTrainImages ?? null, opts.seed));
  const spe = subsets.map((d) => stepsPerEpoch(d.images.count, opts.batch));
  const total = spe.reduce((a, b) => a + b, 0) * opts.epochs;
  const remoteStep = new Map<number, number>();
  const doneSteps = () => set.states.reduce((a, s, f) => a + s.epoch * spe[f] + (remoteStep.get(f) ?? s.epochStep), 0);
  const started = performance.now();
  const startDone = doneSteps();
  type TrainProgress = Extract<Progress, { phase: 'training' }>;
  let lastLoss = NaN;
  const report = (p: TrainProgress) => {
    lastLoss = p.loss;
    const done = doneSteps();
    const rate = (performance.now() - started) / 1000 / Math.max(1, done - startDone);
    hooks.onProgress?.({ ...p, done, total, etaSeconds: rate * (total - done) });
  };
  const runner = hooks.runner && hooks.runner.slots > 0 ? hooks.runner : null;
  for (let e = 1; e <= opts.epochs; e++) {
    const pending = set.states.map((_, f) => f).filter((f) => set.states[f].epoch < e);
    const remote = runner ? pending.slice(1, 1 + runner.slots) : [];
    const jobs = remote.map(async (f) => {
      const state = set.states[f];
      const bytes = await runner!.trainEpoch({
        state: checkpointToBytes(saveCheckpoint(state)),
        data: subsets[f],
        opts: { ...opts, seed: state.seed },
        untilEpoch: e,
        onStep: (step) => {
          remoteStep.set(f, step);
          report({ phase: 'training', done: 0, total, etaSeconds: null, epoch: e, epochs: opts.epochs, loss: lastLoss });
        },
      });
      remoteStep.delete(f);
      const next = loadCheckpoint(checkpointFromBytes(bytes));
      disposeTrainState(state);
      set.states[f] = next;
    });
    // A failed remote epoch must not leave a dangling rejection while this thread trains.
    const remoteDone = Promise.all(jobs).then(
      () => null,
      (err: unknown) => err,
    );
    for (const f of pending.filter((x) => !remote.includes(x))) {
      const state = set.states[f];
      const { stopped } = await trainEpochs(state, subsets[f], { ...opts, seed: state.seed }, {
        shouldStop: hooks.shouldStop,
        untilEpoch: e,
        onProgress: (p) => report(p as TrainProgress),
      });
      if (stopped) {
        runner?.cancel();
        await remoteDone;
        return { stopped: true };
      }
    }
    const failed = await remoteDone;
    if (failed) throw failed;
    const losses = set.states.map((s) => s.lossHistory[e - 1]);
    await hooks.onEpoch?.(e, losses.reduce((a, b) => a + b, 0) / losses.length);
    if (rule && (await rule.check(set, e))) return { stopped: false, ruleHit: true };
    // A time budget ends training at an epoch boundary, so every decoder has the same epochs.
    const budget = hooks.budgetSeconds;
    if (budget != null && e < opts.epochs && (performance.now() - started) / 1000 >= budget) return { stopped: false, budgetHit: true };
  }
  return { stopped: false };
}

/** Mean training loss per epoch over the decoders of the set. */
export function setLossHistory(set: DecoderSet): number[] {
  const n = Math.min(...set.states.map((s) => s.lossHistory.length));
  return Array.from({ length: n }, (_, e) => set.states.reduce((a, s) => a + s.lossHistory[e], 0) / set.states.length);
}

/** Which decoder scores row `row`, and the row's index within that decoder's part (parts are sorted: binary search). */
export function decoderForRow(set: DecoderSet, row: number): { f: number; local: number } {
  const parts = set.parts;
  if (!parts) return { f: 0, local: row };
  for (let f = 0; f < parts.length; f++) {
    const part: number[] = parts[f];
    let lo = 0;
    let hi = part.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (part[mid] === row) return { f, local: mid };
      if (part[mid] < row) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  throw new Error(`row ${row} is in no fold`);
}

/**
 * The rows decoder f scores (its fold's part; all of `data` with one decoder), in the order
 * and local indexing its scores used: rebuilding local row i reproduces row parts[f][i]'s score.
 */
export function scoredData(set: DecoderSet, data: TrainData, f: number): TrainData {
  return set.parts ? subsetData(data, set.parts[f]) : data;
}

/** Scores every row of `data` with the decoder that did not train on it (DEDE score, see score.ts). */
export async function scoreWithSet(
  set: DecoderSet,
  data: TrainData,
  opts: MaskScoring,
  hooks: ScoreHooks = {},
): Promise<Float32Array> {
  if (!set.parts) return scoreImages(set.states[0].model, data, opts, hooks);
  const out = new Float32Array(data.images.count);
  let offset = 0;
  for (let f = 0; f < set.parts.length; f++) {
    const part = set.parts[f];
    const base = offset;
    const scores = await scoreImages(set.states[f].model, scoredData(set, data, f), opts, {
      shouldStop: hooks.shouldStop,
      onProgress: (p) =>
        hooks.onProgress?.({ ...p, done: base + p.done, total: data.images.count, etaSeconds: p.etaSeconds }),
    });
    part.forEach((row, i) => (out[row] = scores[i]));
    offset += part.length;
  }
  return out;
}

export { decoderSetFromBytes, decoderSetToBytes } from './decoderSetBytes';
export { subsetData, trainDataFor, trainRowCount, trainingSet, type TrainSource } from './foldData';

/** Frees every decoder's tensors. */
export function disposeDecoderSet(set: DecoderSet): void {
  for (const s of set.states) disposeTrainState(s);
}
