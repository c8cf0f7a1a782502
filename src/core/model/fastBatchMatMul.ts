/**
 * A wasm SIMD BatchMatMul for tfjs-wasm (issue 8). tfjs-backend-wasm 4.22 runs every matMul with
 * a batch dimension > 1 on a scalar triple loop (`slow_batch_matmul`, about 1.5 GFLOP/s here),
 * and the decoder's attention ([B*heads, T, T] x [B*heads, T, dh], its gradients) and token
 * selections are such products: 38% of a fast-preset training step (README "Benchmarks").
 *
 * `installFastBatchMatMul()` replaces the wasm backend's BatchMatMul kernel with one that keeps
 * 2-D products (batch 1) on tfjs's own XNNPACK path and sends batched ones to `kernels/bmm.c`: a
 * register-tiled SIMD loop compiled to a 7 KB module that imports tfjs-wasm's memory, so it
 * reads the operands and writes the output in place. Everything it cannot take (non-float32,
 * broadcasting other than a batch of 1, a backend without the memory export) goes to the
 * original kernel. Float sums are ordered differently, so results agree with tfjs's to float
 * rounding, not bit for bit (tested in fastBatchMatMul.test.ts). Used alike by the CLI, its
 * fold workers and the browser worker; `DEDE_FAST_BMM=0` (Node) keeps tfjs's kernel, and
 * `DEDE_FAST_BMM=2d` also sends 2-D products here (a research switch: a fast-preset step measured
 * 844 ms that way against 723 ms with XNNPACK's 2-D path, so it is not the default).
 */
import * as tf from '@tensorflow/tfjs';
import { decodeBase64 } from '../base64';
import { BMM_SHARED_WASM_BASE64, BMM_WASM_BASE64 } from './kernels/bmm.wasm';
import { researchEnv } from './researchEnv';

interface BmmExports {
  bmm(a: number, b: number, out: number, batch: number, batchA: number, batchB: number, m: number, k: number, n: number, ta: number, tb: number, scratch: number): void;
  scratch_bytes(m: number, k: number, n: number, ta: number): number;
}

/** The few WebAssembly JS-API members used here (src/core declares no ambient WebAssembly). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface WasmModuleLike {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

interface WasmBackendLike {
  wasm: WasmModuleLike;
  dataIdMap: { get(id: unknown): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

let installed: 'fast' | 'unavailable' | null = null;

/** DEDE_FAST_BMM in Node: '0' keeps tfjs's kernel, '2d' (research) sends 2-D products here too. */
const envSetting = () => researchEnv('DEDE_FAST_BMM');

/** The WebAssembly.Memory behind a tfjs-wasm backend (its plain or its threaded build). */
function memoryOf(be: WasmBackendLike): unknown {
  return be.wasm?.asm?.memory ?? be.wasm?.wasmMemory;
}

/**
 * Installs the SIMD BatchMatMul on the active tfjs-wasm backend, once per tfjs instance.
 * Returns whether the fast kernel is in use (false: not wasm, no SIMD, or disabled).
 */
export function installFastBatchMatMul(): boolean {
  if (installed) return installed === 'fast';
  if (tf.getBackend() !== 'wasm' || envSetting() === '0') return false;
  const backend = tf.backend() as unknown as WasmBackendLike;
  const memory = memoryOf(backend);
  const original = tf.getKernel('BatchMatMul', 'wasm');
  let k: BmmExports;
  try {
    if (!WA || !(memory instanceof WA.Memory) || !original) throw new Error('no wasm memory');
    // tfjs-wasm's threaded binary (Node may pick it on 4+ cores) has shared memory.
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = decodeBase64(shared ? BMM_SHARED_WASM_BASE64 : BMM_WASM_BASE64);
    const instance = new WA.Instance(new WA.Module(bytes), { env: { memory } });
    k = instance.exports as unknown as BmmExports;
  } catch {
    // No SIMD, no memory export or a memory the module cannot import: tfjs's kernel stays.
    installed = 'unavailable';
    return false;
  }
  const fallback = original!.kernelFunc;
  const all2d = envSetting() === '2d';

  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const be = args.backend as unknown as WasmBackendLike;
    const ra = a.shape.length, rb = b.shape.length;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    const sameOuter = ra === rb && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
    // A re-created wasm backend has a new memory: this instance must not write into the old one.
    const sameMemory = memoryOf(be) === memory;
    if (!sameMemory || (batch <= 1 && !all2d) || a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameOuter || batchA === 1 || batchB === 1)) {
      return fallback(args);
    }
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const kA = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (kA !== kB) return fallback(args); // tfjs's kernel raises its own shape error
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const out = be.makeOutput([...outer, m, n], 'float32');
    const aOff = be.dataIdMap.get(a.dataId)?.memoryOffset;
    const bOff = be.dataIdMap.get(b.dataId)?.memoryOffset;
    const oOff = be.dataIdMap.get(out.dataId)?.memoryOffset;
    if (aOff == null || bOff == null || oOff == null) throw new Error('BatchMatMul: tensor without wasm memory');
    if (m * n * batch === 0) return out;
    const scratch = be.wasm._malloc(k.scratch_bytes(m, kA, n, transposeA ? 1 : 0));
    try {
      k.bmm(aOff, bOff, oOff, batch, batchA, batchB, m, kA, n, transposeA ? 1 : 0, transposeB ? 1 : 0, scratch);
    } finally {
      be.wasm._free(scratch);
    }
    return out;
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original!, kernelFunc });
  installed = 'fast';
  return true;
}

/** Whether the SIMD BatchMatMul replaced tfjs-wasm's (for the backend line in logs and bench). */
export function fastBatchMatMulActive(): boolean {
  return installed === 'fast';
}
