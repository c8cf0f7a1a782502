/**
 * What the worker holds between calls: the loaded encoder, the dropped image sets (file
 * handles read on demand, their names and hashes, and once a run has prepared them the images
 * at the decoder's rebuild size with their embeddings), the decoder being trained and the data
 * of the last scoring, for the gallery. Memory follows the CLI's streamed path: no set is ever
 * held decoded at the encoder's size (core's checkImages at drop time, prepareImages at run
 * time, a chunk at a time).
 */
import { loadEncoder } from '../core/encoder';
import { decodeImage } from '../core/image/decode';
import { encoderView, preprocessImages } from '../core/image/preprocess';
import { disposeDecoderSet, type DecoderSet } from '../core/decoderSet';
import type { PreprocessOptions } from '../core/options';
import { checkImages, prepareImages, type CheckedImages, type JobHooks, type PreparedImages } from '../core/pipeline';
import type { EmbeddingStore } from '../core/embedCache';
import { embeddingModelId } from '../core/embedCache';
import type { Encoder, ImageInput, InputFile } from '../core/types';
import { ensureWebp } from './inputs';
import { configureOrt } from './ort';
import type { ImageRole, ImageSetReport, PreviewTile } from './protocol';
import type { ViewContext } from './views';

interface ImageSet {
  files: ImageInput[];
  /** Usable images (paths, hashes) and the skipped files, from the drop-time check. */
  checked: CheckedImages;
  /** The images at the rebuild size with their embeddings, for the key they were made with. */
  prepared: { key: string; value: PreparedImages } | null;
}

const SET_NAMES: Record<ImageRole, string> = { suspect: 'the image folder', aux: 'the auxiliary folder' };

export class Session {
  encoder: Encoder | null = null;
  /** The encoder's files, kept to save the session (see sessionStore). */
  encoderFiles: InputFile[] = [];
  private sets: Record<ImageRole, ImageSet | null> = { suspect: null, aux: null };
  /** The decoders being trained (core's DecoderSet) and the checkpoint key they belong to. */
  decoders: DecoderSet | null = null;
  decodersKey: string | null = null;
  /** Everything the gallery needs to redraw a sample exactly as it was scored. */
  view: ViewContext | null = null;
  /**
   * Pre-trained decoders that came with the demo: adopted by a run whose inputs and decoder
   * settings they were trained for (their identity), instead of training from scratch.
   */
  pretrained: Uint8Array | null = null;

  /** Loads the encoder from `files`, embedding with the output named `output` (null: core's default choice). */
  async setEncoder(files: InputFile[], output: string | null = null): Promise<Encoder> {
    configureOrt();
    const next = await loadEncoder(files, { output });
    await this.encoder?.dispose();
    this.encoder = next;
    this.encoderFiles = files;
    // Embeddings of another encoder are of no use: free them now, not at the next run.
    for (const set of Object.values(this.sets)) if (set) set.prepared = null;
    this.dropDecoders();
    return next;
  }

  /** Keeps the file handles and decodes each once now, so unreadable ones are listed at drop time. */
  async setImages(role: ImageRole, files: ImageInput[], hooks: JobHooks): Promise<ImageSetReport> {
    await ensureWebp();
    const checked = await checkImages(files, hooks, SET_NAMES[role]);
    this.sets[role] = { files, checked, prepared: null };
    if (role === 'suspect') this.view = null;
    return { role, paths: checked.paths, skipped: checked.skipped };
  }

  clearImages(role: ImageRole): void {
    this.sets[role] = null;
  }

  hasImages(role: ImageRole): boolean {
    return this.sets[role] !== null;
  }

  filesOf(role: ImageRole): ImageInput[] | null {
    return this.sets[role]?.files ?? null;
  }

  checked(role: ImageRole): CheckedImages {
    const set = this.sets[role];
    if (!set) throw new Error(`no ${role === 'aux' ? 'auxiliary ' : ''}images loaded: drop a folder of images first`);
    return set.checked;
  }

  /**
   * The set decoded, embedded (through `store`) and downsampled to `rebuild` px a chunk at a
   * time (core's prepareImages, as the CLI); kept for the next run with the same encoder and
   * preprocessing, dropped when either changes.
   */
  async prepared(role: ImageRole, pre: PreprocessOptions, rebuild: number, store: EmbeddingStore, hooks: JobHooks): Promise<PreparedImages> {
    const set = this.sets[role];
    const encoder = this.encoder;
    if (!set) throw new Error(`no ${role === 'aux' ? 'auxiliary ' : ''}images loaded: drop a folder of images first`);
    if (!encoder) throw new Error('No encoder loaded: drop an .onnx file or a TensorFlow.js model.json first.');
    const key = JSON.stringify({ pre, rebuild, model: embeddingModelId(encoder.info) });
    if (set.prepared?.key !== key) {
      await ensureWebp();
      set.prepared = null;
      set.prepared = { key, value: await prepareImages(set.files, encoder, pre, rebuild, store, hooks, SET_NAMES[role]) };
    }
    return set.prepared.value;
  }

  /** What the encoder will see for the first `n` readable images: its 8-bit view, and the value range after normalisation. */
  async preview(pre: PreprocessOptions, n: number): Promise<PreviewTile[]> {
    await ensureWebp();
    const set = this.sets.suspect;
    if (!set) return [];
    const out: PreviewTile[] = [];
    const usable = new Set(set.checked.paths);
    for (const file of set.files) {
      if (out.length >= n) break;
      if (!usable.has(file.path)) continue;
      const img = decodeImage('bytes' in file ? file.bytes : await file.read(), file.path);
      const view = encoderView(img, pre);
      const values = preprocessImages([img], pre).data;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      out.push({ path: file.path, width: view.width, height: view.height, data: view.data, range: [lo, hi] });
    }
    return out;
  }

  dropDecoders(): void {
    if (this.decoders) disposeDecoderSet(this.decoders);
    this.decoders = null;
    this.decodersKey = null;
    this.view = null;
  }
}
