/** Display formatting shared by the components (no computation of results here). */

/** "42 s", "3 min 5 s", "1 h 12 min"; "estimating..." before the first estimate. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating...';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A score or threshold with 4 significant digits, without exponent noise for usual ranges. */
export function formatScore(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toLocaleString(undefined, { maximumFractionDigits: 6 });
}

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  return `${(x * 100).toFixed(digits)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export const PHASE_LABELS: Record<string, string> = {
  decoding: 'Reading images',
  embedding: 'Embedding with the encoder',
  training: 'Training the decoder',
  scoring: 'Scoring every image',
  power: 'Measuring decoder power',
};
