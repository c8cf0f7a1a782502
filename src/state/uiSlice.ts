/** View state only: gallery filter and selection, histogram scale. */
import type { StateCreator } from 'zustand';
import type { StudioState } from './store';

export type GalleryFilter = 'all' | 'flagged' | 'clean';

export interface UiSlice {
  galleryFilter: GalleryFilter;
  /** Index (into `files`) of the selected sample. */
  selected: number | null;
  enlarged: boolean;
  histLog: boolean;
  setGalleryFilter(filter: GalleryFilter): void;
  select(index: number | null): void;
  setEnlarged(enlarged: boolean): void;
  setHistLog(log: boolean): void;
}

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  galleryFilter: 'all',
  selected: null,
  enlarged: false,
  histLog: false,
  setGalleryFilter: (galleryFilter) => set({ galleryFilter }),
  select: (selected) => set({ selected }),
  setEnlarged: (enlarged) => set({ enlarged }),
  setHistLog: (histLog) => set({ histLog }),
});
