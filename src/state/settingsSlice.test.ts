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
    expect(migrateSettings(v1, 2)).toBe(v1);
  });
});
