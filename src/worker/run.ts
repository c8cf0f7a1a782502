/**
 * One analysis run, step by step through core: embed (cached) -> train the decoder
 * (trainPhase) -> score -> decoder power. The worker only sequences the steps and relays
 * progress; every computation is a core function.
 */
import { embeddingKey, embeddingModelId } from '../core/embedCache';
import { resolvePreprocess } from '../core/encoder';
import { setLossHistory, trainRowCount, trainingSet } from '../core/decoderSet';
import type { TrainData } from '../core/model';
import { DEFAULT_RULE, MODEL_PRESETS, type PreprocessOptions } from '../core/options';
import { computeWitnesses } from '../core/witnesses';
import { witnessVerdict } from '../core/verdict';
import { isFlagged, pickThreshold } from '../core/threshold';
import { CancelledError, type JobHooks } from '../core/pipeline';
import { setIdentity } from '../core/resume';
import { decoderPower } from '../core/power';
import type { Progress } from '../core/types';
import { IdbEmbeddingStore } from './embeddingStore';
import type { ImageRole, RunEvent, RunResult, RunSettings } from './protocol';
import { trainPhase, type TrainContext } from './trainPhase';
import { heatScaleFor, viewContext } from './views';
import { APP_SETTING_NAMES, checkMemory, estimateMemory } from '../core/memory';

const embeddingStore = new IdbEmbeddingStore();

/** Progress events at most every 150 ms, but always the last one of a phase. */
function throttled(emit: (e: RunEvent) => void): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (p.done >= p.total || now - last > 150) {
      last = now;
      emit({ type: 'progress', progress: p });
    }
  };
}

async function embedSet(ctx: TrainContext, role: ImageRole, pre: PreprocessOptions, rebuild: number, hooks: JobHooks) {
  const encoder = ctx.session.encoder!;
  const checked = ctx.session.checked(role);
  await embeddingStore.prefetch(checked.imageShas.map((sha) => embeddingKey(embeddingModelId(encoder.info), sha, pre)));
  // Decoded, embedded and downsampled to the rebuild size a chunk at a time (the CLI's path).
  const loaded = await ctx.session.prepared(role, pre, rebuild, embeddingStore, hooks);
  await embeddingStore.flush();
  const data: TrainData = { images: loaded.batch, emb: loaded.emb };
  return { loaded, data };
}

const isCancel = (err: unknown) => err instanceof CancelledError || (err instanceof Error && err.name === 'CancelledError');

export async function runJob(base: Omit<TrainContext, 'onProgress'>, settings: RunSettings): Promise<RunResult> {
  const ctx: TrainContext = { ...base, onProgress: throttled(base.emit) };
  const { session, control, emit } = ctx;
  const encoder = session.encoder;
  if (!encoder) throw new Error('No encoder loaded: drop an .onnx file or a TensorFlow.js model.json first.');
  const timings: Record<string, number> = {};
  const hooks: JobHooks = { onProgress: ctx.onProgress, shouldStop: () => control.stopReason === 'cancel' };
  const { pre, rebuild } = resolvePreprocess(encoder.info, settings.preprocess, MODEL_PRESETS[settings.train.preset].patch, settings.train.rebuildSize);
  let epochsTrained = 0;
  let resumedFrom = 0;
  let powerByEpoch: RunResult['powerByEpoch'] = null;
  const result = (status: RunResult['status'], extra: Partial<RunResult> = {}): RunResult => ({
    status,
    files: [],
    scores: new Float32Array(0),
    power: null,
    backend: ctx.backend,
    timings,
    epochsTrained,
    resumedFrom,
    powerByEpoch,
    pre,
    rebuildSize: rebuild,
    embDim: 0,
    paramCount: 0,
    decoders: 0,
    lossHistory: [],
    trainImages: 0,
    skipped: [],
    auxSkipped: [],
    raw: new Float32Array(0),
    calibrated: false,
    witnesses: [],
    bestDonor: null,
    families: [],
    familyCos: null,
    ...extra,
  });
  const clock = () => performance.now() / 1000;

  // Refused before any work, in the app's words, when one training step or the targets cannot fit.
  const cfg = MODEL_PRESETS[settings.train.preset];
  const imageCount = session.checked('suspect').paths.length + (settings.trainOn !== 'suspect' ? session.checked('aux').paths.length : 0);
  checkMemory(estimateMemory(imageCount, rebuild, cfg, settings.train.batch, settings.train.trainMask), { images: imageCount, size: rebuild, batch: settings.train.batch, patch: cfg.patch }, APP_SETTING_NAMES);
  try {
    emit({ type: 'phase', phase: 'embedding' });
    let t = clock();
    const suspect = await embedSet(ctx, 'suspect', pre, rebuild, hooks);
    const aux = settings.trainOn !== 'suspect' ? await embedSet(ctx, 'aux', pre, rebuild, hooks) : null;
    timings.embedding = clock() - t;

    emit({ type: 'phase', phase: 'training' });
    t = clock();
    // The same training sets as the CLI (core/foldData.ts): suspect, aux alone, or both.
    const { data: trainData, crossFit } = trainingSet(suspect.data, aux?.data ?? null, settings.trainOn);
    const identity = await setIdentity(embeddingModelId(encoder.info), pre, suspect.loaded, aux?.loaded ?? null, settings.trainOn);
    const trainShas = [...(settings.trainOn === 'aux' ? [] : suspect.loaded.imageShas), ...(aux?.loaded.imageShas ?? [])];
    const outcome = await trainPhase(ctx, settings, pre, trainData, trainShas, crossFit, suspect.data.images.count, identity);
    resumedFrom = outcome.resumedFrom;
    powerByEpoch = outcome.powerByEpoch;
    timings.training = clock() - t;
    const set = outcome.set;
    if (!set) return result('cancelled', { epochsTrained: Math.min(...(session.decoders?.states.map((s) => s.epoch) ?? [0])) });
    epochsTrained = Math.min(...set.states.map((s) => s.epoch));

    emit({ type: 'phase', phase: 'scoring' });
    t = clock();
    const scoreOpts = { ...settings.score, seed: settings.train.seed };
    // Power first: DeDe's witness votes only with a decoder that works (core/witnesses.ts).
    const power = await decoderPower(set, suspect.data, scoreOpts, !crossFit, hooks);
    timings.power = clock() - t;
    t = clock();
    const ws = await computeWitnesses(set, suspect.data, null, scoreOpts, hooks, power?.auroc ?? null);
    const raw = ws.raw;
    const scores = ws.score;
    const defaultThreshold = pickThreshold(scores, DEFAULT_RULE, undefined, { calibrated: ws.calibrated });
    const { families, familyCos } = witnessVerdict(ws, Array.from(scores, (v) => isFlagged(v, defaultThreshold)), defaultThreshold, DEFAULT_RULE, null, suspect.data.emb);
    timings.scoring = clock() - t;
    if (power?.warning) emit({ type: 'notice', level: 'warn', message: power.warning });
    session.view = viewContext(set, suspect.data, pre, settings, heatScaleFor(raw, rebuild * rebuild), ws.bestDonor);
    return result('done', {
      files: suspect.loaded.paths,
      scores,
      power,
      embDim: suspect.data.emb.dim,
      paramCount: set.states[0].model.paramCount(),
      decoders: set.states.length,
      lossHistory: setLossHistory(set),
      trainImages: trainRowCount(trainData),
      skipped: suspect.loaded.skipped,
      auxSkipped: aux ? aux.loaded.skipped : [],
      raw,
      calibrated: ws.calibrated,
      witnesses: ws.witnesses.map(({ name, score, z, fit, tailShare, votes, outvotedBy, lowPower }) => ({ name, score, z, fit, tailShare, votes, outvotedBy: outvotedBy ?? null, lowPower: lowPower ?? null })),
      bestDonor: ws.bestDonor,
      families,
      familyCos,
    });
  } catch (err) {
    if (isCancel(err)) return result('cancelled');
    throw err;
  }
}
