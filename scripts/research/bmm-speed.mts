/**
 * The attention's batched product ([256,65,65] x [256,65,32]) on tfjs-wasm's own BatchMatMul
 * kernel, then on the engine's SIMD kernel (README "Benchmarks"), 10 calls each after a warm-up.
 *
 *   npx tsx scripts/research/bmm-speed.mts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installFastBatchMatMul } from '../../src/core/model/fastBatchMatMul';
// tfjs-wasm as it ships first (setupNodeBackend would install the SIMD kernel at once).
await tf.setBackend('wasm');
await tf.ready();
const a = tf.randomNormal([256, 65, 65]), b = tf.randomNormal([256, 65, 32]);
const time = () => { tf.matMul(a, b).dispose(); const t0 = performance.now(); for (let i = 0; i < 10; i++) tf.matMul(a, b).dispose(); return (performance.now() - t0) / 10; };
const t1 = time(); installFastBatchMatMul(); const t2 = time();
const fl = 2 * 256 * 65 * 65 * 32 / 1e9;
console.log(`tfjs ${t1.toFixed(1)} ms (${(fl / t1 * 1000).toFixed(1)} GFLOP/s), simd ${t2.toFixed(1)} ms (${(fl / t2 * 1000).toFixed(1)} GFLOP/s)`);
