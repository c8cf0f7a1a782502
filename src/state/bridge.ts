/**
 * The bridge from the worker's run events to the store: starts a run with the current
 * settings, turns each RunEvent into a state change, and files the result. Pause, resume,
 * stop-early and cancel are forwarded as they are (the worker reads them between steps).
 */
import type { ScanEvidence } from '../core/evidence';
import { proxy } from 'comlink';
import type { Progress } from '../core/types';
import { labelsByRow, type LabelledSubset } from '../core/scanMetrics';
import { DEFAULT_TRAIN_ON } from '../core/options';
import type { EmbeddingMap, RgbaTile, RunEvent, RunResult, RunSettings, SampleView } from '../worker/protocol';
import { applyLabelsCsv, refreshPreview } from './actions';
import { messageOf } from './messages';
import { useStudio } from './store';
import { runEpochs } from './settingsSlice';
import { onWorkerCrash, studio } from './workerClient';

const get = useStudio.getState;
let lastResult: RunResult | null = null;

/** The full result of the last finished run (for the JSON export). */
export function lastRunResult(): RunResult | null {
  return lastResult;
}

function onEvent(e: RunEvent): void {
  const s = get();
  switch (e.type) {
    case 'phase':
      s.setPhase(e.phase);
      break;
    case 'progress':
      s.setProgress(e.progress);
      break;
    case 'epoch':
      s.addEpoch({ epoch: e.epoch, loss: e.loss }, e.probe);
      break;
    case 'paused':
      s.setPaused(e.paused);
      break;
    case 'backend':
      s.setBackend(e.backend);
      break;
    case 'notice':
      s.notify(e.level, e.message);
      break;
  }
}

onWorkerCrash((message) => {
  if (get().phase !== 'idle' && get().phase !== 'done') {
    get().failRun(`The compute worker crashed (${message}). Reload the page and press Run: training resumes from its last saved epoch.`);
  }
});

/** Why Run cannot start yet, or null when it can. */
export function runBlocker(): string | null {
  const s = get();
  if (!s.encoder) return 'Drop an encoder (.onnx or model.json) first.';
  if (!s.suspect) return 'Drop a folder of images first.';
  if (s.trainOn !== 'suspect' && !s.aux) return 'Drop the auxiliary folder, or train on the suspect images.';
  if (s.loading) return 'Wait for the files to finish loading.';
  return null;
}

export async function startRun(): Promise<void> {
  const blocker = runBlocker();
  if (blocker) {
    get().notify('warn', blocker);
    return;
  }
  const s = get();
  if (s.phase === 'embedding' || s.phase === 'training' || s.phase === 'scoring') return;
  const settings: RunSettings = {
    preprocess: s.preprocess,
    train: { ...s.train, epochs: runEpochs(s) },
    score: s.score,
    trainOn: s.trainOn,
    backend: s.backendChoice,
    encoderOutput: s.encoder && s.encoder.outputs.length > 1 ? s.encoder.outputName : null,
  };
  const meta: SessionMeta = {
    encoderNames: s.encoderNames,
    suspectSource: s.suspect?.source ?? '',
    auxSource: s.aux?.source ?? null,
    labels: s.labels,
    labelsSource: s.labelsSource,
  };
  s.resetRun();
  s.clearResults();
  s.setPhase('embedding');
  try {
    const result = await studio().run(settings, proxy(onEvent), meta as unknown as Record<string, unknown>);
    if (result.status === 'cancelled') {
      get().resetRun();
      get().notify('info', `Run cancelled. The decoder is saved (epoch ${result.epochsTrained}); press Run to continue it.`);
      return;
    }
    lastResult = result;
    get().setResults({
      files: result.files,
      scores: result.scores,
      scoresCalibrated: result.calibrated,
      power: result.power?.auroc ?? null,
      timings: result.timings,
      epochsTrained: result.epochsTrained,
    });
    get().setBackend(result.backend);
    get().setPhase('done');
  } catch (err) {
    get().failRun(messageOf(err));
  }
}

export const pauseRun = () => void studio().pause();
export const resumeRun = () => void studio().resume();
export const finishTraining = () => void studio().finishTraining();
export const cancelRun = () => void studio().cancel();

/** What the UI saves with a run's inputs, to show them again after a reload. */
interface SessionMeta {
  encoderNames: string[];
  suspectSource: string;
  auxSource: string | null;
  labels: Record<string, 0 | 1> | null;
  labelsSource: string | null;
}

/** After a reload or a crash: the latest run's inputs and settings come back, and Run continues its decoder. */
let restoring: Promise<void> | null = null;
export function restoreSession(): Promise<void> {
  restoring ??= restore();
  return restoring;
}

async function restore(): Promise<void> {
  if (get().encoder || get().suspect) return;
  try {
    const restored = await studio().restoreSession();
    if (!restored || get().encoder || get().suspect) return;
    const meta = restored.meta as unknown as SessionMeta;
    const st = get();
    st.setPreprocess(restored.settings.preprocess, 'fixed');
    st.setTrain(restored.settings.train);
    st.setScore(restored.settings.score);
    st.setBackendChoice(restored.settings.backend);
    st.setEncoder(meta.encoderNames ?? [], restored.encoder);
    st.setImageSet('suspect', { source: meta.suspectSource ?? 'restored', paths: restored.suspect.paths, skipped: restored.suspect.skipped });
    if (restored.aux) st.setImageSet('aux', { source: meta.auxSource ?? 'restored', paths: restored.aux.paths, skipped: restored.aux.skipped });
    st.setTrainOn(restored.aux ? restored.settings.trainOn : 'suspect');
    st.setLabels(meta.labels ?? null, meta.labelsSource ?? null);
    const when = new Date(restored.savedAt).toLocaleString();
    st.notify(
      'info',
      restored.status === 'running'
        ? `Restored the run interrupted at epoch ${restored.epoch} of ${restored.settings.train.epochs} (started ${when}). Press Run to continue it from there.`
        : `Restored the inputs of your last run (${when}). Press Run to score them again; the trained decoder is reused.`,
    );
  } catch {
    // Nothing to restore is the normal case; a broken store must never block the page.
    return;
  }
  await refreshPreview();
}

/** Forgets the decoders of the current inputs (a saved checkpoint or the demo's pre-trained ones) and trains from scratch. */
export async function trainAgain(): Promise<void> {
  try {
    await studio().trainAgain();
  } catch (err) {
    get().notify('warn', messageOf(err));
    return;
  }
  await startRun();
}

/** Loads the bundled demo (a real backdoored encoder, a poisoned folder, its labels) and runs it. */
export async function tryDemo(): Promise<void> {
  const s = get();
  s.setError('demo', null);
  s.setLoading('Loading the demo...');
  try {
    const base = new URL('demo/', document.baseURI).href;
    const progress = proxy((p: Progress) => get().setLoading(`Loading the demo: ${p.done} / ${p.total} images`));
    const demo = await studio().loadDemo(base, get().backendChoice, progress);
    const st = get();
    st.setPreprocess({ ...demo.manifest.preprocess }, 'fixed');
    if (demo.encoder.inputSize) st.setPreprocess({ size: demo.encoder.inputSize }, 'fixed');
    if (demo.encoder.layout) st.setPreprocess({ layout: demo.encoder.layout }, 'fixed');
    st.setEncoder([demo.manifest.encoder], demo.encoder);
    st.setImageSet('suspect', { source: 'demo', paths: demo.images.paths, skipped: demo.images.skipped });
    // The demo's clean folder trains the decoder as `--aux` does (DEFAULT_TRAIN_ON), so DeDe's own witness is mature.
    st.setImageSet('aux', demo.aux ? { source: 'demo', paths: demo.aux.paths, skipped: demo.aux.skipped } : null);
    st.setTrainOn(demo.aux ? DEFAULT_TRAIN_ON : 'suspect');
    if (demo.labelsCsv) applyLabelsCsv(demo.labelsCsv, 'demo labels.csv');
    st.clearResults();
  } catch (err) {
    get().setError('demo', messageOf(err));
    return;
  } finally {
    get().setLoading(null);
  }
  await refreshPreview();
  await startRun();
}

/** Samples' input | reconstruction | heatmap, fetched from the worker in batches and cached per run. */
const viewCache = new Map<number, Promise<SampleView | undefined>>();
let pending: { index: number; resolve: (v: SampleView | undefined) => void }[] = [];
useStudio.subscribe((s, prev) => {
  if (s.scores !== prev.scores) viewCache.clear();
});

function flushViews(): void {
  const batch = pending;
  pending = [];
  studio()
    .views(batch.map((p) => p.index))
    .then((views) => {
      const byIndex = new Map(views.map((v) => [v.index, v]));
      batch.forEach((p) => p.resolve(byIndex.get(p.index)));
    })
    .catch(() => batch.forEach((p) => p.resolve(undefined)));
}

export function sampleView(index: number): Promise<SampleView | undefined> {
  let hit = viewCache.get(index);
  if (!hit) {
    hit = new Promise((resolve) => {
      if (pending.length === 0) setTimeout(flushViews, 0);
      pending.push({ index, resolve });
    });
    viewCache.set(index, hit);
  }
  return hit;
}

/**
 * The rebuild collapse of the labelled samples, computed once in the worker per run and labels
 * (the ROC panel and the JSON export share it): `subset` is the verdicts' memoised one, a new
 * object whenever the scores, files or labels change.
 */
let collapseCache: { subset: LabelledSubset; value: Promise<number | null> } | null = null;
export function rebuildCollapse(subset: LabelledSubset, n: number): Promise<number | null> {
  if (collapseCache?.subset !== subset) {
    collapseCache = { subset, value: studio().rebuildCollapse(labelsByRow(subset, n)).catch(() => null) };
  }
  return collapseCache.value;
}

/** The report's evidence for the current verdict, computed in the worker. */
export function reportEvidence(scores: Float32Array, flagged: Uint8Array): Promise<ScanEvidence> {
  return studio().evidence(scores, flagged);
}

export async function decoderBytes(): Promise<Uint8Array> {
  return studio().exportDecoder();
}

/** The embedding map of the last run, projected once in the worker (null when none can be made). */
let mapCache: { run: RunResult; value: Promise<EmbeddingMap | null> } | null = null;
export function embeddingMap(): Promise<EmbeddingMap | null> {
  const run = lastResult;
  if (!run) return Promise.resolve(null);
  if (mapCache?.run !== run) mapCache = { run, value: studio().embeddingMap().catch(() => null) };
  return mapCache.value;
}

/** The kept images nearest to sample `index`'s rebuild, computed in the worker. */
export function lookalikes(index: number, flagged: Uint8Array): Promise<{ index: number; tile: RgbaTile }[]> {
  return studio().lookalikes(index, flagged).catch(() => []);
}
