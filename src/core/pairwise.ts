/**
 * What the decoder-free witnesses share: every row's products with a reference set of rows, one
 * block of rows at a time by matrix products (on the registered engine's runtime, else tfjs's
 * matMul), and an order statistic of each row's values by selection instead of a sort. On
 * 20,000 rows the neighbour witness took 24.8 s with JavaScript dot products and sorts, 1.8 s
 * on tfjs-wasm and 1.5 s on onnxruntime-node (scripts/research/witness-speed.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from './model/batch';
import { checkStop, yieldToLoop, type JobHooks } from './progress';
import { stepEngine } from './model/engine';

/** Rows per matMul block (and between cancellation checks). */
export const BLOCK = 256;

/** One operand: n rows of `width` values, row-major. */
export interface RowMatrix {
  data: Float32Array;
  width: number;
}

/** Multiplies one operand's row blocks by its reference rows. */
interface Multiplier {
  run(block: Float32Array, rows: number): Promise<Float32Array>;
  release(): Promise<void> | void;
}

/**
 * On the registered engine's runtime when it has one (onnxruntime-node's native kernels in the
 * CLI, onnxruntime-web's wasm threads in the app on a CPU backend), else on tfjs; a runtime that
 * cannot build the product leaves it to tfjs (the same products to float rounding).
 */
async function multiplier(ref: Float32Array, m: number, width: number): Promise<Multiplier> {
  const engine = stepEngine();
  if (engine?.products) {
    try {
      const product = await engine.products(ref, m, width, BLOCK);
      const padded = new Float32Array(BLOCK * width);
      return {
        run: async (block, rows) => {
          if (rows === BLOCK) return product.run(block);
          // The last, shorter block runs zero-padded in the same session.
          padded.set(block);
          padded.fill(0, rows * width);
          return (await product.run(padded)).subarray(0, rows * m);
        },
        release: () => product.release(),
      };
    } catch {
      // tfjs below.
    }
  }
  const refT = tf.tidy(() => tf.tensor2d(ref, [m, width]).transpose());
  return {
    run: async (block, rows) => {
      const p = tf.tidy(() => tf.matMul(tf.tensor2d(block, [rows, width]), refT));
      try {
        return (await p.data()) as Float32Array;
      } finally {
        p.dispose();
      }
    },
    release: () => refT.dispose(),
  };
}

/**
 * For each block of up to BLOCK consecutive rows of n, the products of those rows with the
 * `reference` rows of every operand (`products[o][r * m + q]` = row (start + r) of operand o
 * times its reference row q, m = reference.length); `reference` null is every row in order
 * (no copy). Blocks are visited in order; between blocks the job may be cancelled.
 */
export async function referenceProducts(
  operands: RowMatrix[],
  n: number,
  reference: ArrayLike<number> | null,
  visit: (start: number, rows: number, products: Float32Array[]) => void,
  hooks: JobHooks = {},
): Promise<void> {
  const m = reference ? reference.length : n;
  const multipliers: Multiplier[] = [];
  try {
    for (const { data, width } of operands) multipliers.push(await multiplier(reference ? gatherRows(data, width, Array.from(reference)) : data, m, width));
    for (let start = 0; start < n; start += BLOCK) {
      const rows = Math.min(BLOCK, n - start);
      const values: Float32Array[] = [];
      for (const [o, { data, width }] of operands.entries()) values.push(await multipliers[o].run(data.subarray(start * width, (start + rows) * width), rows));
      visit(start, rows, values);
      checkStop(hooks);
      await yieldToLoop();
    }
  } finally {
    for (const mul of multipliers) await mul.release();
  }
}

/**
 * Reorders a[0, count) so that a[kth] holds the value a sorted copy would hold there, with no
 * larger value before it and no smaller one after; returns that value. Iterative quickselect
 * (median-of-three pivot, Hoare partition): linear time on average where a sort is n log n.
 * Values must not be NaN.
 */
export function selectKth(a: Float32Array, count: number, kth: number): number {
  if (!(kth >= 0 && kth < count)) throw new RangeError(`selectKth: index ${kth} outside [0, ${count})`);
  let lo = 0;
  let hi = count - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three into a[mid]; a[lo] <= a[mid] <= a[hi] afterwards.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot <= a[i..hi], and every value between j and i equals the pivot.
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else break;
  }
  return a[kth];
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
