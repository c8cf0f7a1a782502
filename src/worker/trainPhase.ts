/**
 * The training phase of a run: continues the right decoders (memory, checkpoint or fresh, as
 * core's DecoderSet: cross-fitted folds on the suspect folder), checkpoints after every epoch,
 * honours pause / stop-early / cancel between steps, and on a lost GPU (or a failed ONNX Runtime
 * training engine) moves on from the last finished epoch.
 */
import { embeddingModelId } from '../core/embedCache';
import {
  createDecoderSet,
  decoderSetFromBytes,
  decoderSetToBytes,
  disposeDecoderSet,
  setLossHistory,
  trainDecoderSet,
  type DecoderSet,
  type SetIdentity,
} from '../core/decoderSet';
import type { TrainData } from '../core/model';
import type { PreprocessOptions, TrainOptions } from '../core/options';
import type { Progress } from '../core/types';
import { watchDeviceLoss, type BackendInfo } from './backend';
import { checkpointKey, findCheckpoint, storeCheckpoint } from './checkpoints';
import type { JobControl } from './control';
import type { RunEvent, RunSettings } from './protocol';
import type { Session } from './session';
import { probeGrid, probeIndices, viewContext } from './views';
import { stepEngine } from '../core/model/engine';
import { dropTrainingEngine } from './trainEngine';
import { powerStopRule, stopRuleSentence, type PowerCheck } from '../core/stopRule';

export interface TrainContext {
  session: Session;
  control: JobControl;
  emit(e: RunEvent): void;
  onProgress(p: Progress): void;
  backend: BackendInfo;
  /** Activates another backend than those in `exclude` (after a device loss). */
  switchBackend(exclude: string[]): Promise<BackendInfo>;
  /** After each epoch's checkpoint is stored. */
  onCheckpoint?(epoch: number): Promise<void>;
}

export interface TrainOutcome {
  /** null when the user cancelled the run. */
  set: DecoderSet | null;
  resumedFrom: number;
  /** The stopping rule's held-out power after each epoch it checked (core/stopRule.ts), or null without it. */
  powerByEpoch: PowerCheck[] | null;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const epochOf = (set: DecoderSet) => Math.min(...set.states.map((s) => s.epoch));

/**
 * Trains on `data` (the suspect folder itself when `crossFit`, else the auxiliary folder);
 * `scoredCount` is the number of suspect images the folds split.
 */
export async function trainPhase(
  ctx: TrainContext,
  settings: RunSettings,
  pre: PreprocessOptions,
  data: TrainData,
  imageShas: string[],
  crossFit: boolean,
  scoredCount: number,
  /** What the decoders are trained for (core/resume.ts); a pre-trained set is adopted only when it matches. */
  identity: SetIdentity | null = null,
): Promise<TrainOutcome> {
  const { session, control, emit } = ctx;
  const key = await checkpointKey(embeddingModelId(session.encoder!.info), imageShas, pre, settings.train, crossFit);
  const fresh = () => createDecoderSet({ imageSize: data.images.size, embDim: data.emb.dim }, settings.train, scoredCount, crossFit);
  const adopt = (s: DecoderSet) => {
    session.decoders = s;
    session.decodersKey = key;
    return s;
  };

  let set: DecoderSet;
  let lastBytes: Uint8Array | null = null;
  if (session.decoders && session.decodersKey === key) set = session.decoders;
  else {
    session.dropDecoders();
    const stored = await findCheckpoint(key);
    if (stored) emit({ type: 'notice', level: 'info', message: `Continuing the decoder saved at epoch ${stored.epoch}.` });
    const pretrained = stored ? null : adoptPretrained(session, settings, data, scoredCount, crossFit, identity);
    if (pretrained) {
      emit({
        type: 'notice',
        level: 'info',
        message: `Scored with the demo's pre-trained decoders (${epochOf(pretrained)} epochs, trained by scripts/fixtures/make_demo_decoder.ts with these settings). Press "Train again" to watch them train from scratch.`,
      });
    }
    lastBytes = stored?.bytes ?? null;
    set = adopt(stored?.set ?? pretrained ?? fresh());
  }
  const resumedFrom = epochOf(set);
  // Replay the stored curve so the chart shows the whole training, not just this session's.
  setLossHistory(set).forEach((loss, i) => emit({ type: 'epoch', epoch: i + 1, epochs: settings.train.epochs, loss, probe: null }));

  const probes = probeIndices(crossFit ? scoredCount : data.images.count);
  let device = watchDeviceLoss();
  // On the CPU backends ONNX Runtime Web trains on all its threads (trainEngine.ts), so the
  // cross-fitted decoders train one after the other in this worker.
  if (stepEngine() && set.states.some((st) => st.epoch < settings.train.epochs)) {
    const n = set.states.length;
    emit({ type: 'notice', level: 'info', message: `Training ${n === 1 ? 'the decoder' : `the ${n} cross-fitted decoders`} with ${stepEngine()!.name}.` });
  }
  // The label-free stopping rule (core/stopRule.ts), on cross-fitted decoders only, as in the CLI.
  const stopRule = powerStopRule(set, data, { ...settings.score, seed: settings.train.seed }, crossFit ? (settings.train.untilPower ?? null) : null);
  const outcome = await trainLoop();
  const line = outcome.set && stopRule ? stopRuleSentence(stopRule, settings.train.epochs, epochOf(outcome.set)) : null;
  if (line) emit({ type: 'notice', level: 'info', message: line[0].toUpperCase() + line.slice(1) + '.' });
  return outcome;

  async function trainLoop(): Promise<TrainOutcome> {
    for (;;) {
      try {
        const { stopped } = await trainDecoderSet(set, data, settings.train, {
          stopRule,
          onProgress: ctx.onProgress,
          shouldStop: () => control.shouldStop() || device.lost,
          onEpoch: async (epoch, loss) => {
            lastBytes = await decoderSetToBytes(set, true);
            await storeCheckpoint(key, lastBytes, epoch);
            await ctx.onCheckpoint?.(epoch);
            const probe = await probeGrid(viewContext(set, data, pre, settings, 1), probes);
            emit({ type: 'epoch', epoch, epochs: settings.train.epochs, loss, probe });
          },
        });
        if (device.lost) throw new Error(device.reason ?? 'GPU device lost');
        // Read through a call: the reason changes while this function awaits.
        const reason = () => control.stopReason;
        if (!stopped || reason() === 'finish') break;
        if (reason() === 'cancel') return { set: null, resumedFrom, powerByEpoch: null };
        emit({ type: 'paused', paused: true });
        await control.waitWhilePaused();
        emit({ type: 'paused', paused: false });
        if (reason() === 'cancel') return { set: null, resumedFrom, powerByEpoch: null };
        if (reason() === 'finish') break;
      } catch (err) {
        if (stepEngine()) {
          // The ONNX Runtime engine failed (a runtime without a kernel it needs, memory): tfjs
          // trains from the last finished epoch, as after a lost GPU.
          const from = stepEngine()!.name;
          dropTrainingEngine();
          continueOn({ ...ctx.backend, trainer: null }, `Training on ${from} failed (${message(err)}). Training continues on tfjs-${ctx.backend.name}`);
          continue;
        }
        if (ctx.backend.name === 'wasm' || ctx.backend.name === 'cpu') throw err;
        const from = ctx.backend.name;
        const next = await ctx.switchBackend([from]);
        continueOn(next, `The ${from} device failed (${message(err)}). Training continues on ${next.name}`);
        device = watchDeviceLoss();
      }
    }
    return { set, resumedFrom, powerByEpoch: stopRule?.history ?? null };
  }

  /** Reports `backend` and restarts training from the last finished epoch, with a warning `lead` + " from epoch N". */
  function continueOn(backend: BackendInfo, lead: string): void {
    ctx.backend = backend;
    emit({ type: 'backend', backend });
    session.dropDecoders();
    set = adopt(lastBytes ? decoderSetFromBytes(lastBytes) : fresh());
    emit({ type: 'notice', level: 'warn', message: `${lead} from epoch ${epochOf(set)}.` });
  }
}

/**
 * The session's pre-trained decoders (the demo's), when they were trained for exactly these
 * inputs (identity: encoder, images, preprocessing) and decoder settings (all but the epoch
 * count); otherwise null and they are left alone.
 */
function adoptPretrained(
  session: Session,
  settings: RunSettings,
  data: TrainData,
  scoredCount: number,
  crossFit: boolean,
  identity: SetIdentity | null,
): DecoderSet | null {
  if (!session.pretrained || !identity) return null;
  let cand: DecoderSet;
  try {
    cand = decoderSetFromBytes(session.pretrained);
  } catch {
    session.pretrained = null;
    return null;
  }
  // Key order and fields added since the decoders were saved (trim: 0 before stop 20) must not matter.
  // untilPower (stop 21) says when to stop training, not what the decoders are.
  const shape = (o: TrainOptions) => JSON.stringify(Object.entries({ ...o, trim: o.trim ?? 0, epochs: 0, seed: 0, untilPower: null }).sort(([a], [b]) => (a < b ? -1 : 1)));
  const first = cand.states[0];
  const fits =
    cand.identity?.encoder === identity.encoder &&
    cand.identity?.images === identity.images &&
    cand.states.length === (crossFit ? settings.train.folds : 1) &&
    (cand.parts?.flat().length ?? scoredCount) === scoredCount &&
    first.model.imageSize === data.images.size &&
    first.model.embDim === data.emb.dim &&
    shape(first.opts) === shape(settings.train) &&
    first.seed === settings.train.seed;
  if (!fits) {
    disposeDecoderSet(cand);
    return null;
  }
  return cand;
}
