/** Small helpers shared by the bench sections: tfjs backend switching and a step timer. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The tfjs backends the bench tries in Node, fastest first. */
export const NODE_BACKENDS = ['wasm', 'cpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

/** Switches tfjs to `name`; returns null on success or why it could not start. */
export async function useBackend(name: string): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return `tfjs ${name} backend did not start`;
    await tf.ready();
    return null;
  } catch (err) {
    return `tfjs ${name} backend failed (${(err as Error).message})`;
  }
}

/** How the wasm backend runs here (SIMD, threads), as tfjs detects it. */
export async function wasmFlavour(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : 'single-threaded'}`;
}

export interface StepBudget {
  /** Untimed calls first (compilation, allocation). */
  warmup: number;
  /** At least this many timed calls... */
  minSteps: number;
  /** ...and keep going until this many seconds have passed... */
  minSeconds: number;
  /** ...but never more than this many calls. */
  maxSteps: number;
}

export interface Timed {
  steps: number;
  seconds: number;
  /** Items (images or samples) per second over the timed calls. */
  perSecond: number;
}

/**
 * Runs `step` (which handles `items` items) under `budget` and returns its throughput.
 * `warmupStep`, when given, replaces `step` for the untimed calls (a cheaper, smaller batch).
 */
export async function timeSteps(
  step: () => Promise<unknown>,
  items: number,
  budget: StepBudget,
  warmupStep: () => Promise<unknown> = step,
): Promise<Timed> {
  for (let i = 0; i < budget.warmup; i++) await warmupStep();
  const t0 = performance.now();
  let steps = 0;
  const elapsed = () => (performance.now() - t0) / 1000;
  while (steps < budget.minSteps || (elapsed() < budget.minSeconds && steps < budget.maxSteps)) {
    await step();
    steps += 1;
  }
  const seconds = elapsed();
  return { steps, seconds, perSecond: (steps * items) / seconds };
}

/** Deterministic stand-in data (speed does not depend on the values): N(0,1)-ish floats. */
export function noise(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32, summed twice for a rough bell shape around 0
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const a = (s >>> 0) / 2 ** 32;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (a + (s >>> 0) / 2 ** 32 - 1) * 2.4;
  }
  return out;
}
