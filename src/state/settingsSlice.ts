/** Settings: every option with its default from core/options.ts (the one home of defaults). */
import type { StateCreator } from 'zustand';
import {
  DEFAULT_PREPROCESS,
  DEFAULT_RULE,
  DEFAULT_SCORE,
  DEFAULT_TRAIN,
  plannedEpochs,
  type PreprocessOptions,
  type ScoreOptions,
  type ThresholdRule,
  type TrainOptions,
} from '../core/options';
import type { BackendChoice } from '../worker/protocol';
import type { TrainSource } from '../core/foldData';
import type { StudioState } from './store';

export interface SettingsSlice {
  preprocess: PreprocessOptions;
  /** Preprocessing fields the user set by hand (shown as edited in the form). */
  userSet: Partial<Record<keyof PreprocessOptions, true>>;
  train: TrainOptions;
  score: ScoreOptions;
  rule: ThresholdRule;
  backendChoice: BackendChoice;
  trainOn: TrainSource;
  /** Epochs planned from the folders (options.ts plannedEpochs, as the CLI plans them) until the user types a number. */
  epochsAuto: boolean;
  /** 'user': typed in the form; 'fixed': declared by the model or the demo, overriding the form. */
  setPreprocess(patch: Partial<PreprocessOptions>, by: 'user' | 'fixed'): void;
  setTrain(patch: Partial<TrainOptions>): void;
  setScore(patch: Partial<ScoreOptions>): void;
  setRule(rule: ThresholdRule): void;
  setBackendChoice(choice: BackendChoice): void;
  setTrainOn(source: TrainSource): void;
  setEpochsAuto(auto: boolean): void;
  resetSettings(): void;
}

export const settingsDefaults = {
  preprocess: DEFAULT_PREPROCESS,
  userSet: {},
  train: DEFAULT_TRAIN,
  score: DEFAULT_SCORE,
  rule: DEFAULT_RULE,
  backendChoice: 'auto' as BackendChoice,
  trainOn: 'suspect' as TrainSource,
  epochsAuto: true,
};

export const createSettingsSlice: StateCreator<StudioState, [], [], SettingsSlice> = (set) => ({
  ...settingsDefaults,
  setPreprocess: (patch, by) =>
    set((s) => {
      const userSet = { ...s.userSet };
      for (const k of Object.keys(patch) as (keyof PreprocessOptions)[]) {
        if (by === 'user') userSet[k] = true;
        else delete userSet[k];
      }
      return { preprocess: { ...s.preprocess, ...patch }, userSet };
    }),
  setTrain: (patch) => set((s) => ({ train: { ...s.train, ...patch } })),
  setScore: (patch) => set((s) => ({ score: { ...s.score, ...patch } })),
  setRule: (rule) => set({ rule, manualThreshold: null }),
  setBackendChoice: (backendChoice) => set({ backendChoice }),
  setTrainOn: (trainOn) => set({ trainOn }),
  setEpochsAuto: (epochsAuto) => set({ epochsAuto }),
  resetSettings: () => set({ ...settingsDefaults }),
});

/**
 * Version of the persisted settings. 2: the look-alike witness joined the default witnesses;
 * no control sets the witness list, so a version-1 state's list is the old default and is
 * dropped (the new default applies through the store's merge). 3: the default combination
 * became 'excess'; no control sets it either, so an older state's `combine` is dropped too.
 * 4: the default combination became 'join' (stop 22), dropped the same way.
 */
export const SETTINGS_VERSION = 4;

export function migrateSettings(persisted: unknown, version: number): unknown {
  const p = (persisted ?? {}) as { score?: Record<string, unknown> };
  if (version < 4 && p.score) {
    const { combine: _oldCombine, ...rest } = p.score;
    const { witnesses: _oldList, ...older } = rest;
    return { ...p, score: version < 2 ? older : rest };
  }
  return p;
}

/** The epochs a run will plan: typed by the user, or (auto) from the loaded folders as `dede scan` plans them. */
export function runEpochs(s: Pick<StudioState, 'epochsAuto' | 'train' | 'trainOn' | 'suspect' | 'aux'>): number {
  if (!s.epochsAuto || !s.suspect) return s.train.epochs;
  return plannedEpochs(s.train, s.aux ? s.trainOn : 'suspect', s.suspect.paths.length, s.aux?.paths.length ?? 0);
}
