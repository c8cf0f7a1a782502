/**
 * The one store, bound from typed slices (zustand slices pattern). Middleware wraps the
 * whole store: persist keeps the settings and the manual overrides across reloads.
 * Actions are callable outside React through `useStudio.getState()`.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createFilesSlice, type FilesSlice } from './filesSlice';
import { createResultsSlice, type ResultsSlice } from './resultsSlice';
import { createRunSlice, type RunSlice } from './runSlice';
import { SETTINGS_VERSION, createSettingsSlice, migrateSettings, settingsDefaults, type SettingsSlice } from './settingsSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type StudioState = FilesSlice & SettingsSlice & RunSlice & ResultsSlice & UiSlice;

export const useStudio = create<StudioState>()(
  persist(
    (...a) => ({
      ...createFilesSlice(...a),
      ...createSettingsSlice(...a),
      ...createRunSlice(...a),
      ...createResultsSlice(...a),
      ...createUiSlice(...a),
    }),
    {
      name: 'dede-studio',
      version: SETTINGS_VERSION,
      migrate: (persisted, version) => migrateSettings(persisted, version) as StudioState,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({
        preprocess: s.preprocess,
        userSet: s.userSet,
        train: s.train,
        score: s.score,
        rule: s.rule,
        backendChoice: s.backendChoice,
        trainOn: s.trainOn,
        epochsAuto: s.epochsAuto,
        overrides: s.overrides,
        histLog: s.histLog,
      }),
      // New option fields added in code keep their defaults when an older state is restored.
      merge: (persisted, current) => {
        const p = (persisted ?? {}) as Partial<StudioState>;
        return {
          ...current,
          ...p,
          preprocess: { ...settingsDefaults.preprocess, ...p.preprocess },
          train: { ...settingsDefaults.train, ...p.train },
          score: { ...settingsDefaults.score, ...p.score },
        };
      },
    },
  ),
);
