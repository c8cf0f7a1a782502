/**
 * What the decoder-free witnesses share: every row's products with a reference set of rows, one
 * block of rows at a time by matMul (XNNPACK on wasm, about 25x a JavaScript dot-product loop
 * here), and an order statistic of each row's values by selection instead of a sort.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from './model/batch';
import { checkStop, yieldToLoop, type JobHooks } from './progress';

/** Rows per matMul block (and between cancellation checks). */
export const BLOCK = 256;

/** One operand: n rows of `width` values, row-major. */
export interface RowMatrix {
  data: Float32Array;
  width: number;
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
  const refT = operands.map(({ data, width }) =>
    tf.tidy(() => tf.tensor2d(reference ? gatherRows(data, width, Array.from(reference)) : data, [m, width]).transpose()),
  );
  try {
    for (let start = 0; start < n; start += BLOCK) {
      const rows = Math.min(BLOCK, n - start);
      const products = tf.tidy(() =>
        operands.map(({ data, width }, o) => tf.matMul(tf.tensor2d(data.subarray(start * width, (start + rows) * width), [rows, width]), refT[o])),
      );
      const values: Float32Array[] = [];
      try {
        for (const p of products) values.push((await p.data()) as Float32Array);
      } finally {
        products.forEach((p) => p.dispose());
      }
      visit(start, rows, values);
      checkStop(hooks);
      await yieldToLoop();
    }
  } finally {
    refT.forEach((t) => t.dispose());
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
