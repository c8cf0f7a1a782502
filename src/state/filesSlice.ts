/** What the analyst dropped: the encoder, the image folders and the labels. */
import type { StateCreator } from 'zustand';
import type { EncoderInfo, SkippedFile } from '../core/types';
import type { PreviewTile } from '../worker/protocol';
import type { StudioState } from './store';

export interface ImageSetState {
  /** Name of the dropped folder (shown only; paths are relative to it). */
  source: string;
  paths: string[];
  skipped: SkippedFile[];
}

/** The inputs an error can belong to (shown next to that input). */
export type InputKind = 'encoder' | 'suspect' | 'aux' | 'labels' | 'demo';

export interface FilesSlice {
  encoderNames: string[];
  encoder: EncoderInfo | null;
  suspect: ImageSetState | null;
  aux: ImageSetState | null;
  /** Ground truth `file -> 1 poisoned / 0 clean`, from a labels CSV. */
  labels: Record<string, 0 | 1> | null;
  labelsSource: string | null;
  preview: PreviewTile[];
  /** A loading step in progress ("Reading 1,000 images..."), shown instead of a frozen UI. */
  loading: string | null;
  /** What went wrong with an input, in words saying what to do. */
  errors: Partial<Record<InputKind, string>>;
  setError(kind: InputKind, message: string | null): void;
  setEncoder(names: string[], info: EncoderInfo | null): void;
  setImageSet(role: 'suspect' | 'aux', set: ImageSetState | null): void;
  setLabels(labels: Record<string, 0 | 1> | null, source: string | null): void;
  setPreview(tiles: PreviewTile[]): void;
  setLoading(what: string | null): void;
}

export const createFilesSlice: StateCreator<StudioState, [], [], FilesSlice> = (set) => ({
  encoderNames: [],
  encoder: null,
  suspect: null,
  aux: null,
  labels: null,
  labelsSource: null,
  preview: [],
  loading: null,
  errors: {},
  setError: (kind, message) =>
    set((s) => {
      const errors = { ...s.errors };
      if (message) errors[kind] = message;
      else delete errors[kind];
      return { errors };
    }),
  setEncoder: (encoderNames, encoder) => set({ encoderNames, encoder }),
  setImageSet: (role, value) => set(role === 'suspect' ? { suspect: value } : { aux: value }),
  setLabels: (labels, labelsSource) => set({ labels, labelsSource }),
  setPreview: (preview) => set({ preview }),
  setLoading: (loading) => set({ loading }),
});
