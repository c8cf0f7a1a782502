/** The error heatmap colouring shared by the app's gallery and the report. */
import type { RGB } from '../options';

/** A perceptually ordered dark-to-bright ramp (black, purple, orange, yellow-white). */
const RAMP: RGB[] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** The ramp's colour at t in [0, 1] (clamped), linearly interpolated. */
export function rampColour(t: number): RGB {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/**
 * Per-pixel squared errors as RGBA on one shared scale (`scale` = the error shown brightest);
 * sqrt shows them in the units of the pixels themselves.
 */
export function heatRgba(error: ArrayLike<number>, size: number, scale: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const [r, g, b] = rampColour(Math.sqrt(Math.max(0, error[p]) / scale));
    data.set([r, g, b, 255], p * 4);
  }
  return data;
}
