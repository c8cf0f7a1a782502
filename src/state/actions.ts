/**
 * What the analyst's inputs do: each action hands files to the worker and writes what comes
 * back into the store. Callable outside React (useStudio.getState()), so tests and the demo
 * button use the same paths as the drop zones.
 */
import { proxy } from 'comlink';
import { parseLabels } from '../core/csv';
import { DEFAULT_TRAIN_ON, type PreprocessOptions } from '../core/options';
import type { EncoderInfo, Progress } from '../core/types';
import type { FileRef, ImageRole } from '../worker/protocol';
import { messageOf } from './messages';
import { useStudio } from './store';
import { studio } from './workerClient';
import { stageInChunks } from './chunks';

const get = useStudio.getState;

function loadingProgress(what: string) {
  return proxy((p: Progress) => get().setLoading(`${what} ${p.done.toLocaleString()} / ${p.total.toLocaleString()}`));
}

/** The size and layout a model fixes override the form (the encoder cannot take others). */
function applyModelGeometry(info: EncoderInfo): void {
  const patch: Partial<PreprocessOptions> = {};
  if (info.inputSize !== null) patch.size = info.inputSize;
  if (info.layout !== null) patch.layout = info.layout;
  if (Object.keys(patch).length > 0) get().setPreprocess(patch, 'fixed');
}

export async function loadEncoderFiles(refs: FileRef[]): Promise<void> {
  if (refs.length === 0) return;
  const s = get();
  s.setError('encoder', null);
  s.setLoading(`Reading the encoder (${refs.map((r) => r.path).join(', ')})...`);
  try {
    const info = await studio().loadEncoder(refs, get().backendChoice);
    get().setEncoder(refs.map((r) => r.path), info);
    applyModelGeometry(info);
    get().clearResults();
  } catch (err) {
    get().setEncoder([], null);
    get().setError('encoder', messageOf(err));
  } finally {
    get().setLoading(null);
  }
  await refreshPreview();
}

/** Embeds with another output of a model that has several (e.g. image_embeds vs last_hidden_state). */
export async function selectEncoderOutput(name: string): Promise<void> {
  const s = get();
  s.setError('encoder', null);
  s.setLoading(`Switching the embedding to output ${name}...`);
  try {
    const info = await studio().selectEncoderOutput(name);
    get().setEncoder(get().encoderNames, info);
    get().clearResults();
  } catch (err) {
    get().setError('encoder', messageOf(err));
  } finally {
    get().setLoading(null);
  }
}

export async function loadImageFiles(role: ImageRole, refs: FileRef[], source: string): Promise<void> {
  const s = get();
  s.setError(role, null);
  s.setLoading(`Reading ${role === 'aux' ? 'auxiliary ' : ''}images...`);
  try {
    await stageInChunks(refs, (part, first) => studio().stageFiles(role, part, first));
    const report = await studio().loadImages(role, null, loadingProgress('Reading images'));
    get().setImageSet(role, { source, paths: report.paths, skipped: report.skipped });
    if (role === 'suspect') get().clearResults();
    // A dropped auxiliary folder is used as the CLI's --aux is: DEFAULT_TRAIN_ON, changeable in Run settings.
    if (role === 'aux' && get().trainOn === 'suspect') get().setTrainOn(DEFAULT_TRAIN_ON);
  } catch (err) {
    get().setImageSet(role, null);
    get().setError(role, messageOf(err));
  } finally {
    get().setLoading(null);
  }
  if (role === 'suspect') await refreshPreview();
}

export function clearImages(role: ImageRole): void {
  void studio().clearImages(role);
  get().setImageSet(role, null);
  get().setError(role, null);
  if (role === 'aux' && get().trainOn !== 'suspect') get().setTrainOn('suspect');
}

export async function loadLabelsFile(file: Blob, name: string): Promise<void> {
  get().setError('labels', null);
  try {
    applyLabelsCsv(await file.text(), name);
  } catch (err) {
    get().setLabels(null, null);
    get().setError('labels', `${name}: ${messageOf(err)}`);
  }
}

export function applyLabelsCsv(text: string, source: string): void {
  const map = parseLabels(text);
  get().setLabels(Object.fromEntries(map), source);
}

let previewSeq = 0;

/** Asks the worker for what the encoder will see with the current preprocessing. */
export async function refreshPreview(): Promise<void> {
  const seq = ++previewSeq;
  const s = get();
  if (!s.suspect) return s.setPreview([]);
  try {
    const tiles = await studio().preview(s.preprocess, 8);
    if (seq === previewSeq) get().setPreview(tiles);
  } catch (err) {
    if (seq === previewSeq) {
      get().setPreview([]);
      get().setError('suspect', `Preview failed: ${messageOf(err)}`);
    }
  }
}

// The preview follows the preprocessing form as the analyst types (debounced).
let previewTimer: ReturnType<typeof setTimeout> | undefined;
useStudio.subscribe((s, prev) => {
  if (s.preprocess !== prev.preprocess && s.suspect) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => void refreshPreview(), 150);
  }
});
