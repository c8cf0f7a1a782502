/** The run in progress: phase, progress, live training curve and probe grid. */
import type { StateCreator } from 'zustand';
import type { Progress } from '../core/types';
import type { BackendInfo, ProbeGrid, RunPhase } from '../worker/protocol';
import { sentenceCase } from './messages';
import type { StudioState } from './store';

/** The automation contract's phases, exposed as `data-phase` on the app root. */
export type AppPhase = 'idle' | RunPhase | 'done' | 'error';

export interface LossPoint {
  epoch: number;
  loss: number;
}

export interface Notice {
  id: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface RunSlice {
  phase: AppPhase;
  progress: Progress | null;
  losses: LossPoint[];
  probe: ProbeGrid | null;
  paused: boolean;
  backend: BackendInfo | null;
  /** The error that ended the run, in words saying what to do. */
  error: string | null;
  notices: Notice[];
  setPhase(phase: AppPhase): void;
  setProgress(progress: Progress): void;
  addEpoch(point: LossPoint, probe: ProbeGrid | null): void;
  setPaused(paused: boolean): void;
  setBackend(backend: BackendInfo): void;
  failRun(message: string): void;
  resetRun(): void;
  notify(level: Notice['level'], message: string): void;
  dismissNotice(id: number): void;
}

let nextNoticeId = 1;

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = (set) => ({
  phase: 'idle',
  progress: null,
  losses: [],
  probe: null,
  paused: false,
  backend: null,
  error: null,
  notices: [],
  setPhase: (phase) => set({ phase }),
  setProgress: (progress) => set({ progress }),
  addEpoch: (point, probe) =>
    set((s) => ({ losses: [...s.losses.filter((p) => p.epoch !== point.epoch), point], probe: probe ?? s.probe })),
  setPaused: (paused) => set({ paused }),
  setBackend: (backend) => set({ backend }),
  failRun: (error) => set({ phase: 'error', error, paused: false }),
  resetRun: () => set({ phase: 'idle', progress: null, losses: [], probe: null, paused: false, error: null }),
  notify: (level, message) =>
    set((s) => {
      const text = sentenceCase(message);
      if (s.notices.some((n) => n.message === text)) return {};
      return { notices: [...s.notices.slice(-4), { id: nextNoticeId++, level, message: text }] };
    }),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
