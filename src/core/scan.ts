/**
 * A whole DeDe scan, start to end: load, embed, train the decoder, score, threshold, metrics
 * and power, with progress, cooperative cancel and per-phase timings. The CLI runs this; the
 * worker may run it or call the same steps (pipeline.ts, model/, power.ts) one by one.
 */
import type { PreprocessOptions, ScoreOptions, ThresholdRule, TrainOptions } from './options';
import type { Embeddings, Encoder, EncoderInfo, ImageInput, Phase, SkippedFile } from './types';
import type { EmbeddingStore } from './embedCache';
import type { TrainData } from './model';
import { createDecoderSet, decoderSetToBytes, disposeDecoderSet, setLossHistory, trainDecoderSet, trainingSet, trainRowCount, type FoldRunner, type TrainSource } from './decoderSet';
import { resumeSet, setIdentity } from './resume';
import { keepCount } from './model/patches';
import { checkMemory, estimateMemory } from './memory';
import { DEFAULT_TRAIN_ON, MODEL_PRESETS, rebuildSizeFor } from './options';
import { prepareImages, type PreparedImages } from './pipeline';
import { embeddingModelId } from './embedCache';
import { decoderPower, type DecoderPower, type PowerOptions } from './power';
import { powerStopRule, stopRuleSentence, type PowerCheck } from './stopRule';
import { labelsByRow, matchLabels, scanMetrics, scanThreshold, type ScanMetrics } from './scanMetrics';
import { isFlagged } from './threshold';
import { labelledCollapse } from './collapse';
import { CancelledError, checkStop, type JobHooks } from './progress';
import { computeWitnesses } from './witnesses';
import { witnessVerdict, type WitnessVerdict } from './verdict';
import { scanEvidence, type ScanEvidence } from './evidence';

export interface ScanInput {
  encoder: Encoder;
  /** Resolved preprocessing (see encoder/resolve.ts). */
  pre: PreprocessOptions;
  images: ImageInput[];
  /** An auxiliary clean folder: trained on instead of (trainOn 'aux') or beside (trainOn 'both') the suspect images. */
  aux?: ImageInput[] | null;
  /** With `aux`: 'aux' or 'both' (foldData.ts, TrainSource); default DEFAULT_TRAIN_ON. */
  trainOn?: TrainSource;
  /** Ground truth by image path (1 = poisoned), for metrics and the youden rule. */
  labels?: Map<string, 0 | 1> | null;
  train: TrainOptions;
  score: ScoreOptions;
  rule: ThresholdRule;
  store: EmbeddingStore;
  /** Name of the compute backend, reported in the summary (e.g. 'tfjs wasm'). */
  backend: string;
  /** Images per encoder call (default 64). */
  embedBatch?: number;
  /** Checkpoint bytes to resume training from. */
  resume?: Uint8Array | null;
  /** How messages name the two folders (default 'the image folder', 'the auxiliary folder'). */
  names?: { images?: string; aux?: string };
  /** Power slice settings, or false to skip the power phase. */
  power?: PowerOptions | false;
  /** Stop training at the first epoch boundary after this many seconds (null: train all epochs). */
  budgetSeconds?: number | null;
  /** Compute the report's evidence (trigger hint, top samples' rebuilds); default false. */
  evidence?: boolean;
  /** Trains cross-fitted decoders elsewhere in parallel (the CLI's worker threads); null: all here. */
  runner?: FoldRunner | null;
}

export interface ScanHooks extends JobHooks {
  /** After each epoch with every decoder's training state as bytes (for --checkpoint). */
  onCheckpoint?(bytes: Uint8Array, epoch: number): void | Promise<void>;
}

export type PhaseTimings = Record<Phase, number> & { total: number };

export interface ScanResult extends WitnessVerdict {
  /** Suspect image paths; scores[i] and flagged[i] belong to paths[i] (input order). */
  paths: string[];
  scores: Float32Array;
  flagged: boolean[];
  threshold: number;
  rule: ThresholdRule;
  skipped: SkippedFile[];
  auxSkipped: SkippedFile[];
  trainedOn: TrainSource;
  /** Images in the training set (with cross-fitting each decoder trains on (folds-1)/folds of them). */
  trainImages: number;
  metrics: ScanMetrics | null;
  /**
   * With labels of both kinds: the share of their input spread the labelled-poisoned images'
   * rebuilds keep, relative to the clean ones (collapse.ts). Far below 1 under a backdoor target.
   */
  rebuildCollapse: number | null;
  power: DecoderPower | null;
  /** Seconds per phase (decoding includes the auxiliary folder). */
  timings: PhaseTimings;
  encoder: EncoderInfo;
  pre: PreprocessOptions;
  /** Side in pixels the decoder rebuilt (the encoder saw pre.size). */
  rebuildSize: number;
  train: TrainOptions;
  score: ScoreOptions;
  backend: string;
  embDim: number;
  /** Parameters of one decoder. */
  paramCount: number;
  /** Decoders trained (folds when cross-fitting on the suspect folder, else 1). */
  decoders: number;
  lossHistory: number[];
  /** Epochs already done in the checkpoint the run resumed from, or null. */
  resumedFromEpoch: number | null;
  /** Epochs the decoders actually trained (more than asked when a checkpoint had more, fewer when the stopping rule ended training). */
  epochsTrained: number;
  /** The stopping rule's held-out power after each epoch (stopRule.ts), or null without the rule. */
  powerByEpoch: PowerCheck[] | null;
  /** The paper's raw DeDe score per image (also when `scores` is the calibrated combination). */
  raw: Float32Array;
  /** True when `scores` is the witnesses' max robust z (witnesses.ts), false for the raw error alone. */
  calibrated: boolean;
  /** Row of the image whose embedding rebuilt each image best (counterfactual score), or null. */
  bestDonor: Int32Array | null;
  /** The report's evidence (evidence.ts), when asked for. */
  evidence: ScanEvidence | null;
}

/** Runs a scan; rejects with CancelledError when `hooks.shouldStop` says stop. */
export async function runScan(input: ScanInput, hooks: ScanHooks = {}): Promise<ScanResult> {
  const started = performance.now();
  const timings: PhaseTimings = { decoding: 0, embedding: 0, training: 0, scoring: 0, power: 0, total: 0 };
  const timed = async <T>(phase: Phase, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[phase] += (performance.now() - t0) / 1000;
    }
  };
  const { encoder, pre, store } = input;
  const embedBatch = input.embedBatch ?? 64;

  const names = { images: 'the image folder', aux: 'the auxiliary folder', ...input.names };
  // Refuse settings the engine cannot hold before decoding a single image.
  const cfg = MODEL_PRESETS[input.train.preset];
  const rebuild = rebuildSizeFor(pre.size, cfg.patch, input.train.rebuildSize);
  const imageCount = input.images.length + (input.aux?.length ?? 0);
  checkMemory(estimateMemory(imageCount, rebuild, cfg, input.train.batch, input.train.trainMask), {
    images: imageCount,
    size: rebuild,
    batch: input.train.batch,
    patch: cfg.patch,
  });
  // Decoded, embedded and downsampled a chunk at a time: only the rebuild-size images stay.
  const prepare = async (files: ImageInput[], what: string) => {
    const got = await prepareImages(files, encoder, pre, rebuild, store, hooks, what, embedBatch);
    timings.decoding += got.seconds.decoding;
    timings.embedding += got.seconds.embedding;
    return got;
  };
  const suspect: PreparedImages = await prepare(input.images, names.images);
  // Labels are matched before the long phases, so a wrong labels file fails in seconds.
  const subset = input.labels ? matchLabels(suspect.paths, input.labels) : null;
  if (input.rule.kind === 'youden' && !subset) {
    throw new Error('the youden rule needs labels (a CSV with columns file,poisoned)');
  }
  const aux = input.aux ? await prepare(input.aux, names.aux) : null;
  const emb: Embeddings = suspect.emb;
  const suspectData: TrainData = { images: suspect.batch, emb };
  const trainOn: TrainSource = aux ? (input.trainOn ?? DEFAULT_TRAIN_ON) : 'suspect';
  const { data: trainData, crossFit } = trainingSet(suspectData, aux ? { images: aux.batch, emb: aux.emb } : null, trainOn);
  checkStop(hooks);

  const dims = { imageSize: rebuild, embDim: emb.dim };
  const patch = cfg.patch;
  if (input.score.masks > 1 && keepCount((rebuild / patch) ** 2, input.score.scoreMask) === 0) {
    hooks.onNote?.(
      `note: ${input.score.masks} score masks have no effect here: at score mask ${input.score.scoreMask} no patch of a ${rebuild} px rebuild stays visible, so every mask gives the same rebuild`,
    );
  }
  // Cross-fitting applies whenever the decoders train on the very images they score.
  const decoders = crossFit ? input.train.folds : 1;
  const identity = await setIdentity(embeddingModelId(encoder.info), pre, suspect, aux, trainOn);
  const set = input.resume
    ? resumeSet(input.resume, dims, input.train, { decoders, rows: suspect.paths.length, identity })
    : { ...createDecoderSet(dims, input.train, suspect.paths.length, crossFit), identity };
  const resumedFromEpoch = input.resume ? Math.min(...set.states.map((st) => st.epoch)) : null;
  const checkpointEpochs = resumedFromEpoch === null ? null : Math.max(...set.states.map((st) => st.epoch));
  if (checkpointEpochs !== null && checkpointEpochs > input.train.epochs) {
    hooks.onNote?.(
      `note: the checkpoint's decoders already trained ${checkpointEpochs} epochs, more than the ${input.train.epochs} asked; they are used as they are (delete the checkpoint to train ${input.train.epochs} epochs afresh)`,
    );
  }
  const onCheckpoint = hooks.onCheckpoint;
  const scoreOpts = { ...input.score, seed: input.train.seed };
  // The label-free stopping rule reads the held-out power of cross-fitted decoders (stopRule.ts).
  const stopRule = powerStopRule(set, suspectData, scoreOpts, crossFit ? (input.train.untilPower ?? null) : null, input.power || undefined);
  try {
    const { stopped, budgetHit } = await timed('training', () =>
      trainDecoderSet(set, trainData, input.train, {
        budgetSeconds: input.budgetSeconds ?? null,
        runner: input.runner ?? null,
        stopRule,
        onProgress: hooks.onProgress,
        shouldStop: hooks.shouldStop,
        onEpoch: onCheckpoint ? async (epoch) => onCheckpoint(await decoderSetToBytes(set), epoch) : undefined,
      }),
    );
    if (stopped) throw new CancelledError();
    if (budgetHit) {
      const done = Math.min(...set.states.map((st) => st.epoch));
      hooks.onNote?.(`note: the training time budget (${Math.round((input.budgetSeconds ?? 0) / 60)} min) ended training after ${done} of ${input.train.epochs} epochs; scoring with those decoders (raise --budget or pass --budget 0 for no limit)`);
    }
    const ruleLine = stopRule ? stopRuleSentence(stopRule, input.train.epochs, Math.min(...set.states.map((st) => st.epoch))) : null;
    if (ruleLine) hooks.onNote?.(`note: ${ruleLine}`);

    // Power first: DeDe's witness votes only with a decoder that works (witnesses.ts).
    const power =
      input.power === false
        ? null
        : await timed('power', () => decoderPower(set, suspectData, scoreOpts, !crossFit, hooks, input.power || undefined));
    if (power?.warning) hooks.onNote?.(`warning: ${power.warning}`);
    // The raw DeDe error comes out of the counterfactual pass's own rebuilds (one pass, not two).
    const ws = await timed('scoring', () => computeWitnesses(set, suspectData, null, scoreOpts, hooks, power?.auroc ?? null));
    const raw = ws.raw;
    const scores = ws.score;

    const threshold = scanThreshold(scores, input.rule, subset, { calibrated: ws.calibrated });
    const flagged = Array.from(scores, (s) => isFlagged(s, threshold));
    const metrics = subset ? scanMetrics(scores, subset, threshold) : null;
    const verdict = witnessVerdict(ws, flagged, threshold, input.rule, subset, emb);
    let rebuildCollapse: number | null = null;
    if (subset && metrics?.auroc !== null) {
      const rowLabels = labelsByRow(subset, scores.length);
      rebuildCollapse = await timed('scoring', () =>
        labelledCollapse(set, suspectData, rowLabels, { maskRatio: input.score.scoreMask, seed: input.train.seed }),
      );
    }
    const evidence = input.evidence
      ? await timed('scoring', () => scanEvidence(set, suspectData, scores, flagged, ws.bestDonor, { maskRatio: input.score.scoreMask, seed: input.train.seed }))
      : null;
    timings.total = (performance.now() - started) / 1000;
    return {
      paths: suspect.paths,
      scores,
      flagged,
      threshold,
      rule: input.rule,
      skipped: suspect.skipped,
      auxSkipped: aux?.skipped ?? [],
      trainedOn: trainOn,
      trainImages: trainRowCount(trainData),
      metrics,
      rebuildCollapse,
      power,
      timings,
      encoder: encoder.info,
      pre,
      rebuildSize: rebuild,
      train: input.train,
      score: input.score,
      backend: input.backend,
      embDim: emb.dim,
      paramCount: set.states[0].model.paramCount(),
      decoders: set.states.length,
      lossHistory: setLossHistory(set),
      resumedFromEpoch,
      epochsTrained: Math.max(...set.states.map((st) => st.epoch)),
      powerByEpoch: stopRule ? stopRule.history : null,
      raw,
      calibrated: ws.calibrated,
      bestDonor: ws.bestDonor,
      evidence,
      ...verdict,
    };
  } finally {
    disposeDecoderSet(set);
  }
}
