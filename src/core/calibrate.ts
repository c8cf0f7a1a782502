/**
 * Calibration of a witness's scores without labels: fit the bulk robustly (median and MAD on a
 * scale where the bulk is roughly normal) and express every score as a robust z. Under the
 * fitted bulk, z > Phi^-1(1 - alpha) happens with probability alpha, so a stated false-alarm
 * rate becomes a threshold, and alpha x n is the number of false alarms to expect. A poisoned
 * minority sits in the tail and barely moves the median or the MAD.
 */
import { MAD_TO_SIGMA, median, sortedScores } from './threshold';

export { normalQuantile, tailZ } from './normal';

/** The witnesses' calibration scales: errors and ratios on their log (positive, right-skewed). */
export const logScale = (v: number) => Math.log(Math.max(v, 1e-12));
/** Embedding similarity -> log(2 / cosine distance), larger for closer neighbours. */
export const closeness = (sim: number) => Math.log(2 / Math.max(1 - sim, 1e-6));

export interface RobustFit {
  median: number;
  /** 1.4826 x MAD: the bulk's standard deviation if it is normal. */
  sigma: number;
}

/** Median and scaled MAD of `values` (sigma floored so a flat set does not divide by zero). */
export function robustFit(values: ArrayLike<number>): RobustFit {
  const sorted = sortedScores(values);
  const med = median(sorted);
  const dev = sorted.map((v) => Math.abs(v - med)).sort();
  const sigma = MAD_TO_SIGMA * median(dev);
  return { median: med, sigma: Math.max(sigma, 1e-9 * Math.max(1, Math.abs(med))) };
}

/** (v - median) / sigma for every value, with the fit of the same values. */
export function robustZ(values: ArrayLike<number>): { z: Float32Array; fit: RobustFit } {
  const fit = robustFit(values);
  return { z: Float32Array.from(values as ArrayLike<number>, (v) => (v - fit.median) / fit.sigma), fit };
}
