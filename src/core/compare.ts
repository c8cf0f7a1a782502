/**
 * Two runs side by side (issue 9, "compare runs"): another encoder, preset or threshold on the
 * same folder. Matches the runs' rows by file path and reports the overlap of their flagged
 * sets, the rank correlation of their scores, and the files flagged by one run only. Either run
 * may be a scores.csv (the CLI's or the app's export) or the app's current run.
 */
import type { ScoreRow } from './csv';

export interface RunRows {
  /** A name for the run in words ("baseline", a file name). */
  name: string;
  rows: Pick<ScoreRow, 'file' | 'score' | 'flagged'>[];
}

export interface DiffRow {
  file: string;
  scoreA: number;
  scoreB: number;
  /** The run that flagged it: 'a' or 'b'. */
  flaggedBy: 'a' | 'b';
}

export interface RunComparison {
  /** Files in both runs (the rest is in `onlyInA` / `onlyInB`, counted, not compared). */
  matched: number;
  onlyInA: number;
  onlyInB: number;
  flaggedA: number;
  flaggedB: number;
  flaggedBoth: number;
  /** |A and B| / |A or B| over the matched files' flagged sets (1 when neither flags any). */
  jaccard: number;
  /** Spearman rank correlation of the matched files' scores (average ranks for ties); null under 2 files. */
  spearman: number | null;
  /** Matched files flagged by exactly one run, the larger of their two score ranks first. */
  diff: DiffRow[];
  /** Per matched file (same order as `pairs`): scores in A and B and the flags. */
  pairs: { file: string; scoreA: number; scoreB: number; flaggedA: boolean; flaggedB: boolean }[];
}

/** Average ranks (1-based) of `values`, ties sharing their mean rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

export function compareRuns(a: RunRows, b: RunRows): RunComparison {
  const inB = new Map(b.rows.map((r) => [r.file, r]));
  const pairs: RunComparison['pairs'] = [];
  for (const ra of a.rows) {
    const rb = inB.get(ra.file);
    if (rb) pairs.push({ file: ra.file, scoreA: ra.score, scoreB: rb.score, flaggedA: ra.flagged, flaggedB: rb.flagged });
  }
  const matched = pairs.length;
  if (matched === 0) throw new Error(`"${a.name}" and "${b.name}" share no file path: compare two runs over the same folder.`);
  const flaggedA = pairs.filter((p) => p.flaggedA).length;
  const flaggedB = pairs.filter((p) => p.flaggedB).length;
  const flaggedBoth = pairs.filter((p) => p.flaggedA && p.flaggedB).length;
  const union = flaggedA + flaggedB - flaggedBoth;
  const rankA = averageRanks(pairs.map((p) => p.scoreA));
  const rankB = averageRanks(pairs.map((p) => p.scoreB));
  const diff = pairs
    .map((p, i) => ({ p, top: Math.max(rankA[i], rankB[i]) }))
    .filter(({ p }) => p.flaggedA !== p.flaggedB)
    .sort((x, y) => y.top - x.top || (x.p.file < y.p.file ? -1 : 1))
    .map(({ p }): DiffRow => ({ file: p.file, scoreA: p.scoreA, scoreB: p.scoreB, flaggedBy: p.flaggedA ? 'a' : 'b' }));
  return {
    matched,
    onlyInA: a.rows.length - matched,
    onlyInB: b.rows.length - matched,
    flaggedA,
    flaggedB,
    flaggedBoth,
    jaccard: union === 0 ? 1 : flaggedBoth / union,
    spearman: pearson(rankA, rankB),
    diff,
    pairs,
  };
}
