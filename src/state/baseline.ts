/**
 * The run kept for comparison ("compare runs", issue 9): the files, scores and final verdicts
 * of a run the analyst chose to keep, or a loaded scores.csv. Kept in localStorage under its own
 * key, written once when kept (not on every store change), so it survives a reload.
 */
import type { RunRows } from '../core/compare';

const KEY = 'dede-studio-baseline';

export function loadBaseline(): RunRows | null {
  try {
    const text = localStorage.getItem(KEY);
    if (!text) return null;
    const b = JSON.parse(text) as RunRows;
    return Array.isArray(b?.rows) && typeof b.name === 'string' ? b : null;
  } catch {
    return null;
  }
}

/** Saves (or, with null, forgets) the baseline; false when the browser refused to store it (quota). */
export function saveBaseline(b: RunRows | null): boolean {
  try {
    if (b) localStorage.setItem(KEY, JSON.stringify(b));
    else localStorage.removeItem(KEY);
    return true;
  } catch {
    return false;
  }
}
