/** Scores of the finished run, the threshold the analyst chose and per-sample overrides. */
import type { StateCreator } from 'zustand';
import type { StudioState } from './store';

export type Verdict = 'poisoned' | 'clean';

export interface ResultsSlice {
  files: string[];
  scores: Float32Array | null;
  /** True when the scores are calibrated z values (the tail rule then cuts at z_alpha). */
  scoresCalibrated: boolean;
  power: number | null;
  timings: Record<string, number>;
  epochsTrained: number;
  /** A threshold placed by hand (drag or typed); null = the rule's threshold. */
  manualThreshold: number | null;
  /** Manual verdicts by file path; they win over the threshold. Persisted. */
  overrides: Record<string, Verdict>;
  setResults(r: Pick<ResultsSlice, 'files' | 'scores' | 'scoresCalibrated' | 'power' | 'timings' | 'epochsTrained'>): void;
  clearResults(): void;
  setManualThreshold(value: number | null): void;
  setOverride(file: string, verdict: Verdict | null): void;
  /** One verdict (or none) for many files at once, e.g. a box on the embedding map. */
  setOverrides(files: string[], verdict: Verdict | null): void;
}

export const createResultsSlice: StateCreator<StudioState, [], [], ResultsSlice> = (set) => ({
  files: [],
  scores: null,
  scoresCalibrated: false,
  power: null,
  timings: {},
  epochsTrained: 0,
  manualThreshold: null,
  overrides: {},
  setResults: (r) => set((s) => ({ ...r, manualThreshold: null, mapSelection: null, galleryFilter: s.galleryFilter === 'selection' ? 'all' : s.galleryFilter })),
  clearResults: () => set((s) => ({ files: [], scores: null, power: null, timings: {}, manualThreshold: null, mapSelection: null, galleryFilter: s.galleryFilter === 'selection' ? 'all' : s.galleryFilter })),
  setManualThreshold: (manualThreshold) => set({ manualThreshold }),
  setOverride: (file, verdict) =>
    set((s) => {
      const overrides = { ...s.overrides };
      if (verdict) overrides[file] = verdict;
      else delete overrides[file];
      return { overrides };
    }),
  setOverrides: (files, verdict) =>
    set((s) => {
      const overrides = { ...s.overrides };
      for (const file of files) {
        if (verdict) overrides[file] = verdict;
        else delete overrides[file];
      }
      return { overrides };
    }),
});
