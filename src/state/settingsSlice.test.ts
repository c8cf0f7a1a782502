import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORE } from '../core/options';
import { migrateSettings } from './settingsSlice';

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
