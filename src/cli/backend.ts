/**
 * Compute setup for Node: TensorFlow.js on its wasm backend (the only one that trains at a
 * usable speed on a CPU; cpu is the fallback) and ONNX Runtime Web's wasm build.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import os from 'node:os';

export interface NodeBackend {
  /** The tfjs backend in use: 'wasm', or 'cpu' when wasm could not start. */
  tfjs: string;
  /** ONNX Runtime's execution provider and thread count, e.g. 'wasm x2'. */
  ort: string;
  /** Why the preferred backend was not used, if it was not. */
  fallbackReason: string | null;
}

let ready: Promise<NodeBackend> | null = null;

/** Starts the backends once per process (later calls share the first promise). */
export function setupNodeBackend(): Promise<NodeBackend> {
  ready ??= (async () => {
    // The Node build of onnxruntime-web finds its .wasm next to itself; only threads need setting.
    const threads = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    let fallbackReason: string | null = null;
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch (err) {
      fallbackReason = `tfjs wasm backend failed to start (${(err as Error).message})`;
    }
    if (!ok) {
      fallbackReason ??= 'tfjs wasm backend failed to start';
      await tf.setBackend('cpu');
    }
    await tf.ready();
    return { tfjs: tf.getBackend(), ort: `wasm x${threads}`, fallbackReason };
  })();
  return ready;
}
