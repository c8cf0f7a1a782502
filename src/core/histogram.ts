/**
 * Score histograms for the app's threshold chart, linear or log-spaced (scores of a DeDe
 * decoder span orders of magnitude once poisoned images stand out).
 */

export interface Histogram {
  /** `bins + 1` ascending edges; bin k covers [edges[k], edges[k+1]), the last bin also its right edge. */
  edges: number[];
  counts: number[];
  /** Scores left out: non-finite ones, and zero or negative ones on a log scale. */
  skipped: number;
}

/**
 * Counts scores into `bins` equal-width bins over [min, max], or, with `log`, bins equal in
 * log10 over the positive scores; a single distinct value gets a unit-wide (or factor-10) span.
 */
export function histogram(scores: ArrayLike<number>, bins: number, opts: { log?: boolean } = {}): Histogram {
  if (!(Number.isInteger(bins) && bins > 0)) throw new Error(`histogram: bins must be a positive integer, got ${bins}`);
  const log = opts.log === true;
  const kept: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isFinite(s) && (!log || s > 0)) kept.push(log ? Math.log10(s) : s);
  }
  const skipped = scores.length - kept.length;
  const counts = new Array<number>(bins).fill(0);
  if (kept.length === 0) return { edges: [], counts: [], skipped };

  // A loop, not Math.min(...kept): spreading 100k+ values overflows the stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of kept) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  for (const v of kept) counts[Math.min(Math.floor((v - lo) / width), bins - 1)]++;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
  return { edges: log ? edges.map((e) => 10 ** e) : edges, counts, skipped };
}
