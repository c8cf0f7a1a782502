import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORE, DEFAULT_TRAIN, PAPER_TRAIN, plannedEpochs } from '../core/options';
import { migrateSettings, runEpochs } from './settingsSlice';

describe('persisted settings', () => {
  it('drop a version-1 witness list (the old default) and keep every other choice', () => {
    const v1 = { score: { witnesses: ['dede', 'density'], draws: 8 }, rule: { kind: 'mean', k: 2 } };
    const out = migrateSettings(v1, 1) as { score: Record<string, unknown>; rule: unknown };
    expect(out.score).toEqual({ draws: 8 });
    expect(out.rule).toEqual(v1.rule);
    // The store's merge then restores the new default list.
    expect({ ...DEFAULT_SCORE, ...out.score }.witnesses).toEqual(['dede', 'density', 'lookalike']);
    // A current state is left alone.
    expect(migrateSettings(v1, 4)).toBe(v1);
  });

  it("drop a version-2 combination (the old default 'heaviest'; no control sets it) and keep the witness list", () => {
    const v2 = { score: { witnesses: ['dede'], combine: 'heaviest', draws: 8 } };
    const out = migrateSettings(v2, 2) as { score: Record<string, unknown> };
    expect(out.score).toEqual({ witnesses: ['dede'], draws: 8 });
    expect({ ...DEFAULT_SCORE, ...out.score }.combine).toBe('join');
  });

  it("drop a version-3 combination (the old default 'excess') so the new default 'join' applies", () => {
    const v3 = { score: { witnesses: ['dede', 'lookalike'], combine: 'excess', draws: 8 } };
    const out = migrateSettings(v3, 3) as { score: Record<string, unknown> };
    expect(out.score).toEqual({ witnesses: ['dede', 'lookalike'], draws: 8 });
    expect({ ...DEFAULT_SCORE, ...out.score }.combine).toBe('join');
  });
});

describe('planned epochs (the app plans them as dede scan does)', () => {
  const folder = (n: number) => ({ source: 'x', paths: Array.from({ length: n }, (_, i) => `${i}.png`), skipped: [] });

  it('plannedEpochs: the sample budget over the rows one epoch trains', () => {
    expect(plannedEpochs(DEFAULT_TRAIN, 'suspect', 1000, 0)).toBe(12);
    expect(plannedEpochs(DEFAULT_TRAIN, 'suspect', 400, 0)).toBe(30);
    expect(plannedEpochs(DEFAULT_TRAIN, 'suspect', 100, 0)).toBe(40);
    // the auxiliary folder alone is what one epoch trains with 'aux'; 'both' plans as the scanned folder
    expect(plannedEpochs(DEFAULT_TRAIN, 'aux', 1000, 500)).toBe(24);
    expect(plannedEpochs(DEFAULT_TRAIN, 'both', 1000, 500)).toBe(12);
    expect(plannedEpochs({ ...DEFAULT_TRAIN, maxTrainImages: 300 }, 'suspect', 5000, 0)).toBe(40);
    expect(plannedEpochs(PAPER_TRAIN, 'suspect', 400, 0)).toBe(PAPER_TRAIN.epochs);
  });

  it('runEpochs: auto follows the loaded folders; a typed number or no folder keeps train.epochs', () => {
    const base = { epochsAuto: true, train: { ...DEFAULT_TRAIN, epochs: 7 }, trainOn: 'suspect' as const, suspect: folder(400), aux: null };
    expect(runEpochs(base)).toBe(30);
    expect(runEpochs({ ...base, epochsAuto: false })).toBe(7);
    expect(runEpochs({ ...base, suspect: null })).toBe(7);
    expect(runEpochs({ ...base, trainOn: 'aux', aux: folder(500) })).toBe(24);
    // a trainOn left at 'aux' without a folder plans from the scanned images
    expect(runEpochs({ ...base, trainOn: 'aux' })).toBe(30);
  });
});
