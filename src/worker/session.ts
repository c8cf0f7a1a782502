/**
 * What the worker holds between calls: the loaded encoder, the dropped image sets (bytes,
 * and their decoded form for the preprocessing last used), the decoder being trained and the
 * data of the last scoring, for the gallery. Loading goes through core (loadEncoder, loadImages).
 */
import { loadEncoder } from '../core/encoder';
import { decodeImage } from '../core/image/decode';
import { encoderView, preprocessImages } from '../core/image/preprocess';
import { disposeDecoderSet, type DecoderSet } from '../core/decoderSet';
import type { PreprocessOptions } from '../core/options';
import { loadImages, type JobHooks, type LoadedImages } from '../core/pipeline';
import type { Encoder, InputFile } from '../core/types';
import { ensureWebp } from './inputs';
import { configureOrt } from './ort';
import type { ImageRole, ImageSetReport, PreviewTile } from './protocol';
import type { ViewContext } from './views';

interface ImageSet {
  files: InputFile[];
  loaded: LoadedImages;
  /** The preprocessing `loaded` was made with. */
  preKey: string;
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
    this.dropDecoders();
    return next;
  }

  /** Keeps the files and decodes them once now, so unreadable ones are listed at drop time. */
  async setImages(role: ImageRole, files: InputFile[], pre: PreprocessOptions, hooks: JobHooks): Promise<ImageSetReport> {
    await ensureWebp();
    const loaded = await loadImages(files, pre, hooks, SET_NAMES[role]);
    this.sets[role] = { files, loaded, preKey: JSON.stringify(pre) };
    if (role === 'suspect') this.view = null;
    return { role, paths: loaded.paths, skipped: loaded.skipped };
  }

  clearImages(role: ImageRole): void {
    this.sets[role] = null;
  }

  hasImages(role: ImageRole): boolean {
    return this.sets[role] !== null;
  }

  filesOf(role: ImageRole): InputFile[] | null {
    return this.sets[role]?.files ?? null;
  }

  /** The set preprocessed with `pre` (decoded again only when the preprocessing changed). */
  async images(role: ImageRole, pre: PreprocessOptions, hooks: JobHooks): Promise<LoadedImages> {
    const set = this.sets[role];
    if (!set) throw new Error(`no ${role === 'aux' ? 'auxiliary ' : ''}images loaded: drop a folder of images first`);
    const key = JSON.stringify(pre);
    if (set.preKey !== key) {
      await ensureWebp();
      set.loaded = await loadImages(set.files, pre, hooks, SET_NAMES[role]);
      set.preKey = key;
    }
    return set.loaded;
  }

  /** What the encoder will see for the first `n` readable images: its 8-bit view, and the value range after normalisation. */
  async preview(pre: PreprocessOptions, n: number): Promise<PreviewTile[]> {
    await ensureWebp();
    const set = this.sets.suspect;
    if (!set) return [];
    const out: PreviewTile[] = [];
    for (const file of set.files) {
      if (out.length >= n) break;
      if (!set.loaded.paths.includes(file.path)) continue;
      const img = decodeImage(file.bytes, file.path);
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
