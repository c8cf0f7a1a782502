/** View state only: gallery filter and selection, the embedding map's box selection, histogram scale. */
import type { StateCreator } from 'zustand';
import type { StudioState } from './store';
import type { RunRows } from '../core/compare';
import { loadBaseline, saveBaseline } from './baseline';

/** 'selection' = the samples boxed on the embedding map. */
export type GalleryFilter = 'all' | 'flagged' | 'clean' | 'selection';

export interface UiSlice {
  galleryFilter: GalleryFilter;
  /** Index (into `files`) of the selected sample. */
  selected: number | null;
  enlarged: boolean;
  histLog: boolean;
  /** Sample indices boxed on the embedding map (null = none); a new run clears it. */
  mapSelection: number[] | null;
  /** The run the current one is compared with (kept or loaded); survives a reload (baseline.ts). */
  baseline: RunRows | null;
  /** False when the last baseline could not be stored (it is kept for this tab only). */
  baselineStored: boolean;
  setGalleryFilter(filter: GalleryFilter): void;
  select(index: number | null): void;
  setEnlarged(enlarged: boolean): void;
  setHistLog(log: boolean): void;
  setMapSelection(rows: number[] | null): void;
  setBaseline(baseline: RunRows | null): void;
}

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  galleryFilter: 'all',
  selected: null,
  enlarged: false,
  histLog: false,
  mapSelection: null,
  baseline: typeof localStorage === 'undefined' ? null : loadBaseline(),
  baselineStored: true,
  setGalleryFilter: (galleryFilter) => set({ galleryFilter }),
  select: (selected) => set({ selected }),
  setEnlarged: (enlarged) => set({ enlarged }),
  setHistLog: (histLog) => set({ histLog }),
  // Leaving a selection empty falls back to the whole list, never to an empty gallery.
  setMapSelection: (mapSelection) =>
    set((s) => ({ mapSelection, galleryFilter: mapSelection ? 'selection' : s.galleryFilter === 'selection' ? 'all' : s.galleryFilter })),
  setBaseline: (baseline) => set({ baseline, baselineStored: saveBaseline(baseline) }),
});
