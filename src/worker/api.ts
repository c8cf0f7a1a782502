/**
 * The worker's one API object. The UI imports its *type* only (`import type { StudioApi }`),
 * so both sides share one definition (squoosh's worker-bridge pattern). Every method is a
 * thin adapter onto core; the heavy runtime (tfjs backend) starts once, on first use.
 */
import { transfer } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { PreprocessOptions } from '../core/options';
import type { EncoderInfo, Progress } from '../core/types';
import { decoderSetToBytes } from '../core/decoderSet';
import { scanEvidence, type ScanEvidence } from '../core/evidence';
import { chooseBackend, type BackendChoice, type BackendInfo, type BackendName } from './backend';
import { JobControl } from './control';
import { fetchDemo, lazyFileRefs, readFileRefs } from './inputs';
import { forgetCheckpoint } from './checkpoints';
import type {
  DemoLoad,
  EmbeddingMap,
  FileRef,
  ImageRole,
  ImageSetReport,
  PreviewTile,
  RestoredSession,
  RgbaTile,
  RunEvent,
  RunResult,
  RunSettings,
  SampleView,
} from './protocol';
import { runJob } from './run';
import { Session } from './session';
import { forgetSession, loadSession, saveSession, setSessionStatus, type SessionMeta } from './sessionStore';
import { lookalikes, sampleViews } from './views';
import { labelledCollapse } from '../core/collapse';
import { pcaProject } from '../core/projection';

const session = new Session();
let backend: { choice: BackendChoice; ready: Promise<BackendInfo> } | null = null;
let job: JobControl | null = null;

/** Starts (once per choice) the tfjs backend; a failed start is retried on the next call. */
function ensureBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (!backend || backend.choice !== choice) {
    const ready = chooseBackend(choice);
    backend = { choice, ready };
    ready.catch(() => (backend = null));
  }
  return backend.ready;
}

/** Files received by stageFiles, per role, until loadImages takes them. */
const staged: Record<ImageRole, FileRef[]> = { suspect: [], aux: [] };

const buffersOf = (tiles: { data: Uint8ClampedArray }[]) => tiles.map((t) => t.data.buffer as ArrayBuffer);

export const studioApi = {
  /** Chooses and starts the tfjs backend for `choice` ('auto' = GPU only when real). */
  backend(choice: BackendChoice): Promise<BackendInfo> {
    return ensureBackend(choice);
  },

  /** Loads an encoder; the tfjs backend starts first, so a TensorFlow.js model lands on it. */
  async loadEncoder(refs: FileRef[], backendChoice: BackendChoice = 'auto'): Promise<EncoderInfo> {
    await ensureBackend(backendChoice);
    const encoder = await session.setEncoder(await readFileRefs(refs));
    return encoder.info;
  },

  /** Reloads the current encoder embedding with another of its outputs (a model with several). */
  async selectEncoderOutput(name: string): Promise<EncoderInfo> {
    if (session.encoderFiles.length === 0) throw new Error('No encoder loaded: drop an .onnx file or a TensorFlow.js model.json first.');
    return (await session.setEncoder(session.encoderFiles, name)).info;
  },

  /**
   * Receives part of a dropped folder's files (`reset` starts a new list): the UI sends a large
   * folder in chunks because each message clones its Blobs on the main thread (actions.ts
   * STAGE_CHUNK). Returns how many files are staged for `role`.
   */
  stageFiles(role: ImageRole, refs: FileRef[], reset: boolean): number {
    if (reset) staged[role] = [];
    staged[role].push(...refs);
    return staged[role].length;
  },

  /**
   * Keeps the dropped image files as handles (read when needed) and lists the unusable ones;
   * `refs` null takes the files stageFiles received for `role`.
   */
  async loadImages(role: ImageRole, refs: FileRef[] | null, onProgress?: (p: Progress) => void): Promise<ImageSetReport> {
    const list = refs ?? staged[role];
    staged[role] = [];
    return session.setImages(role, lazyFileRefs(list), { onProgress });
  },

  clearImages(role: ImageRole): void {
    session.clearImages(role);
  },

  async preview(pre: PreprocessOptions, count: number): Promise<PreviewTile[]> {
    const tiles = await session.preview(pre, count);
    return transfer(tiles, buffersOf(tiles));
  },

  /** Fetches the bundled demo (encoder, images, labels) from this origin and loads it. */
  async loadDemo(baseUrl: string, backendChoice: BackendChoice, onProgress?: (p: Progress) => void): Promise<DemoLoad> {
    await ensureBackend(backendChoice);
    const started = performance.now();
    const demo = await fetchDemo(baseUrl, (done, total) => {
      const rate = (performance.now() - started) / 1000 / done;
      onProgress?.({ phase: 'decoding', done, total, etaSeconds: rate * (total - done) });
    });
    const encoder = (await session.setEncoder(demo.encoder)).info;
    const images = await session.setImages('suspect', demo.images, { onProgress });
    let aux: ImageSetReport | null = null;
    if (demo.aux) aux = await session.setImages('aux', demo.aux, { onProgress });
    else session.clearImages('aux');
    session.pretrained = demo.decoder;
    return { manifest: demo.manifest, encoder, images, aux, labelsCsv: demo.labelsCsv };
  },

  /**
   * Embeds, trains and scores; events arrive through `onEvent` (a Comlink proxy). The inputs
   * and `meta` (what the UI needs to show them again) are saved for `restoreSession`.
   */
  async run(settings: RunSettings, onEvent: (e: RunEvent) => void, meta: SessionMeta = {}): Promise<RunResult> {
    if (job) throw new Error('A run is already in progress: pause or cancel it first.');
    const control = new JobControl();
    job = control;
    try {
      const suspect = session.filesOf('suspect');
      if (suspect) {
        const aux = settings.trainOn !== 'suspect' ? session.filesOf('aux') : null;
        await saveSession({ settings, meta, encoder: session.encoderFiles, suspect, aux });
      }
      const info = await ensureBackend(settings.backend);
      onEvent({ type: 'backend', backend: info });
      const result = await runJob(
        {
          session,
          control,
          emit: onEvent,
          backend: info,
          switchBackend: async (exclude) => {
            const next = await chooseBackend('auto', exclude as BackendName[]);
            backend = { choice: settings.backend, ready: Promise.resolve(next) };
            return next;
          },
          onCheckpoint: (epoch) => setSessionStatus({ status: 'running', epoch }),
        },
        settings,
      );
      if (result.status === 'done') await setSessionStatus({ status: 'done', epoch: result.epochsTrained });
      return transfer(result, [result.scores.buffer as ArrayBuffer]);
    } finally {
      job = null;
    }
  },

  /** The inputs of the latest run, loaded again (after a reload or a crash), or null. */
  async restoreSession(): Promise<RestoredSession | null> {
    const saved = await loadSession();
    if (!saved) return null;
    try {
      await ensureBackend(saved.settings.backend);
      const encoder = (await session.setEncoder(saved.encoder, saved.settings.encoderOutput ?? null)).info;
      const suspect = await session.setImages('suspect', saved.suspect, {});
      const aux = saved.aux ? await session.setImages('aux', saved.aux, {}) : null;
      return { settings: saved.settings, meta: saved.meta, status: saved.status, epoch: saved.epoch, savedAt: saved.savedAt, encoder, suspect, aux };
    } catch {
      await forgetSession();
      return null;
    }
  },

  forgetSession(): Promise<void> {
    return forgetSession();
  },

  pause(): void {
    job?.pause();
  },
  resume(): void {
    job?.resume();
  },
  /** Stops training now and scores with the weights trained so far. */
  finishTraining(): void {
    job?.finishEarly();
  },
  cancel(): void {
    job?.cancel();
  },

  /** Input | reconstruction | error heatmap of samples `indices` (of the scored folder). */
  async views(indices: number[]): Promise<SampleView[]> {
    if (!session.view) return [];
    const views = await sampleViews(session.view, indices);
    return transfer(views, views.flatMap((v) => buffersOf([v.input, v.recon, v.heat])));
  },

  /** The kept images (flagged[i] = 0) nearest to the rebuild of `index`, as tiles (the lightbox's "looks like"). */
  async lookalikes(index: number, flagged: Uint8Array, k = 3): Promise<{ index: number; tile: RgbaTile }[]> {
    if (!session.view) return [];
    const candidates = Array.from(flagged.keys()).filter((i) => flagged[i] === 0 && i !== index);
    const out = await lookalikes(session.view, index, candidates, k);
    return transfer(out, buffersOf(out.map((o) => o.tile)));
  },

  /**
   * With ground truth per sample of the scored folder (1 poisoned, 0 clean, null unknown): the
   * rebuild collapse (core/collapse.ts), or null without a run or without two of each.
   */
  async rebuildCollapse(labels: (number | null)[]): Promise<number | null> {
    const v = session.view;
    if (!v || labels.length !== v.data.images.count) return null;
    return labelledCollapse(v.set, v.data, labels, { maskRatio: v.maskRatio, seed: v.seed });
  },

  /**
   * The report's evidence (core/evidence.ts) for the analyst's current verdict: the trigger hint
   * over `flagged` (1 = flagged) and the rebuilds of the highest and lowest `scores`.
   */
  async evidence(scores: Float32Array, flagged: Uint8Array): Promise<ScanEvidence> {
    const v = session.view;
    if (!v || scores.length !== v.data.images.count) throw new Error('No finished run to report on: run an analysis first.');
    return scanEvidence(v.set, v.data, scores, Array.from(flagged, (f) => f === 1), v.bestDonor, { maskRatio: v.maskRatio, seed: v.seed });
  },

  /** The embedding map: the scored folder's embeddings on their first two principal axes (core/projection.ts). */
  async embeddingMap(): Promise<EmbeddingMap> {
    const v = session.view;
    if (!v) throw new Error('No finished run to map: run an analysis first.');
    const p = pcaProject(v.data.emb);
    return transfer({ xy: p.xy, explained: p.explained, fitRows: p.fitRows, dim: v.data.emb.dim }, [p.xy.buffer as ArrayBuffer]);
  },

  /** Forgets the trained (or pre-trained) decoders of the current inputs, so the next run trains from scratch. */
  async trainAgain(): Promise<void> {
    if (job) throw new Error('A run is in progress: cancel it first.');
    await forgetCheckpoint(session.decodersKey);
    session.pretrained = null;
    session.dropDecoders();
  },

  /** The trained decoders (weights and optimizer state) as one checkpoint file (core's format). */
  async exportDecoder(): Promise<Uint8Array> {
    if (!session.decoders) throw new Error('No trained decoder yet: run an analysis first.');
    const bytes = await decoderSetToBytes(session.decoders, true);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },

  /** Test hook: destroys the active WebGPU device, as a driver reset would; false when none is active. */
  loseDevice(): boolean {
    const device = (tf.backend() as unknown as { device?: { destroy?(): void } }).device;
    if (tf.getBackend() !== 'webgpu' || !device?.destroy) return false;
    device.destroy();
    return true;
  },

  /** Memory held by tfjs, for diagnostics. */
  memory(): { tensors: number; bytes: number } {
    const m = tf.memory();
    return { tensors: m.numTensors, bytes: m.numBytes };
  },
};

export type StudioApi = typeof studioApi;
