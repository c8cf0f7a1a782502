/**
 * Starting a tfjs backend in the worker: reads the WebGPU adapter, applies the policy of
 * backendPolicy.ts (WebGPU only on a real GPU, else wasm, webgl, cpu), serves the wasm
 * binaries from this origin, and watches for a lost GPU device.
 */
// The umbrella package registers the cpu and webgl backends (and is what core imports).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

import { fastBatchMatMulActive, installFastBatchMatMul } from '../core/model/fastBatchMatMul';
import { useTrainingEngine } from './trainEngine';
import { backendOrder, isSoftwareAdapter, type BackendChoice, type BackendName, type GpuAdapterReport } from './backendPolicy';

export { BACKEND_CHOICES, backendOrder, type BackendChoice, type BackendName, type GpuAdapterReport } from './backendPolicy';

export interface BackendInfo {
  name: BackendName;
  /** The WebGPU adapter seen, or null when the browser offers none. */
  adapter: GpuAdapterReport | null;
  /** Why this backend, in words shown to the user. */
  reason: string;
  /** What runs the decoder's training steps when not this backend itself (trainEngine.ts). */
  trainer: string | null;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<AdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

/** Reads the WebGPU adapter, if any, and decides whether it is a real GPU. */
export async function probeGpuAdapter(): Promise<GpuAdapterReport | null> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return null;
  let adapter: AdapterLike | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return null;
  }
  if (!adapter) return null;
  const info: AdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => ({}))) ?? {};
  const description =
    [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' / ') ||
    'unnamed adapter';
  const software = isSoftwareAdapter(description, Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter));
  return { description, software };
}

let wasmConfigured = false;
function configureWasm(): void {
  if (wasmConfigured) return;
  wasmConfigured = true;
  // Threaded tfjs-wasm breaks once Vite minifies its pthread worker source, so the
  // single-threaded SIMD binary is used (the threaded entry points at it too).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmSimdUrl,
  });
}

async function register(name: BackendName): Promise<void> {
  if (name === 'wasm') configureWasm();
  else if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
}

/** Registers and activates one backend; false when the browser cannot run it. */
async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    await register(name);
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    // One tiny op proves the backend really runs (a broken WebGL context passes setBackend).
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)));
    const value = (await probe.data())[0];
    probe.dispose();
    if (name === 'wasm') installFastBatchMatMul();
    return value === 2;
  } catch {
    return false;
  }
}

/** Why this backend runs, in words shown next to its name. */
function reasonFor(name: BackendName, choice: BackendChoice, adapter: GpuAdapterReport | null, first: BackendName): string {
  if (choice !== 'auto') return name === choice ? 'as chosen' : `${choice} could not start here`;
  if (name === 'webgpu') return `WebGPU on ${adapter?.description}`;
  const why = !adapter
    ? 'no WebGPU adapter'
    : adapter.software
      ? `the WebGPU adapter is software (${adapter.description}), not a GPU`
      : `WebGPU on ${adapter.description} failed to start`;
  if (name === 'wasm') return `${why}; wasm is the fastest CPU backend${fastBatchMatMulActive() ? ', with the SIMD batched-matMul kernel' : ''}`;
  return name === first ? why : `${why}; ${first} could not start`;
}

/** Activates the best backend for `choice` and reports it. */
export async function chooseBackend(choice: BackendChoice, exclude: BackendName[] = []): Promise<BackendInfo> {
  const adapter = await probeGpuAdapter();
  const order = backendOrder(choice, adapter).filter((b) => !exclude.includes(b));
  for (const name of order) {
    if (await tryBackend(name)) return { name, adapter, reason: reasonFor(name, choice, adapter, order[0]), trainer: useTrainingEngine(name) };
  }
  throw new Error('No tfjs backend could start in this browser (tried ' + order.join(', ') + ').');
}

export interface DeviceWatch {
  lost: boolean;
  reason: string | null;
}

/**
 * Watches the active backend's GPU device: a WebGPU `device.lost` or a lost WebGL context
 * flips `lost`, which the training loop reads between steps. CPU backends never lose a device.
 */
export function watchDeviceLoss(): DeviceWatch {
  const watch: DeviceWatch = { lost: false, reason: null };
  const backend = tf.backend() as unknown as {
    device?: { lost?: Promise<{ message?: string; reason?: string }> };
    gpgpu?: { gl?: { canvas?: EventTarget } };
  };
  backend.device?.lost?.then((info) => {
    watch.lost = true;
    watch.reason = `WebGPU device lost: ${info?.message || info?.reason || 'no reason given'}`;
  });
  backend.gpgpu?.gl?.canvas?.addEventListener?.('webglcontextlost', () => {
    watch.lost = true;
    watch.reason = 'WebGL context lost';
  });
  return watch;
}
