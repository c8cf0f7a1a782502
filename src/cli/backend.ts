/**
 * Compute setup for Node: TensorFlow.js on its wasm backend (the only one that trains at a
 * usable speed on a CPU; cpu is the fallback), and for the encoder onnxruntime-node's native
 * CPU provider when it is installed (an optional dependency), else ONNX Runtime Web's wasm build.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import os from 'node:os';

import { createRequire } from 'node:module';
import type { OrtRuntime } from '../core/encoder';
import { installFastBatchMatMul } from '../core/model/fastBatchMatMul';
import { setStepEngine } from '../core/model/engine';
import { OrtStepEngine } from '../core/model/onnx/ortStep';

/** Which ONNX runtime embeds: 'auto' = node when installed, else web. */
export type OrtChoice = 'auto' | 'node' | 'web';

export interface OrtBackend {
  runtime: OrtRuntime;
  executionProviders: string[];
  /** In words, e.g. 'onnxruntime-node cpu x2'. */
  name: string;
  /** Why the preferred runtime was not used, if it was not. */
  fallbackReason: string | null;
}

/**
 * The ONNX runtime for `choice`. onnxruntime-node is loaded with require (it is CommonJS with a
 * native addon); a missing or broken install falls back to onnxruntime-web under 'auto' and is
 * an error naming the fix under 'node'.
 */
export function ortBackend(choice: OrtChoice): OrtBackend {
  const threads = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
  const web: OrtBackend = { runtime: ort, executionProviders: ['wasm'], name: `onnxruntime-web wasm x${threads}`, fallbackReason: null };
  if (choice === 'web') return web;
  try {
    const require = createRequire(import.meta.url);
    const native = require('onnxruntime-node') as OrtRuntime & { env: { logLevel?: string } };
    native.env.logLevel = 'error';
    return { runtime: native, executionProviders: ['cpu'], name: `onnxruntime-node cpu`, fallbackReason: null };
  } catch (err) {
    const reason = `onnxruntime-node is not installed (${(err as Error).message.split('\n')[0]}); install it with ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`;
    if (choice === 'node') throw new Error(reason);
    return { ...web, fallbackReason: reason };
  }
}

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
    installFastBatchMatMul();
    return { tfjs: tf.getBackend(), ort: `wasm x${threads}`, fallbackReason };
  })();
  return ready;
}

/** Which engine trains the decoder: ONNX Runtime (the one `--ort` picks) or tfjs's own steps. */
export type TrainEngineChoice = 'ort' | 'tfjs';

/** What a training thread needs to set up the same engine as the main thread. */
export interface TrainEngineSpec {
  engine: TrainEngineChoice;
  ort: OrtChoice;
  /** ONNX Runtime intra-op threads of each decoder being trained. */
  threads: number;
  /** ONNX Runtime intra-op threads of scoring's forward passes (default: threads). */
  predictThreads?: number;
}

/**
 * Registers the training engine of this thread (core's engine.ts) and returns it in words.
 * ONNX Runtime runs the same step as tfjs (same masks, loss, gradients and Adam, to float
 * rounding) several times faster on a CPU (README "Benchmarks").
 */
export function setupTrainEngine(spec: TrainEngineSpec): string {
  if (spec.engine === 'tfjs') {
    setStepEngine(null);
    return 'tfjs';
  }
  const rt = ortBackend(spec.ort);
  const name = `${rt.name.replace(/ x\d+$/, '')} x${spec.threads}`;
  setStepEngine(new OrtStepEngine({ runtime: rt.runtime, executionProviders: rt.executionProviders, threads: spec.threads, predictThreads: spec.predictThreads, name }));
  return name;
}

/**
 * ONNX Runtime threads per decoder when `parallel` decoders train at once, sharing `budget`
 * threads (--train-threads; default: this machine's cores).
 */
export function threadsPerDecoder(parallel: number, budget: number | null = null): number {
  const total = budget ?? os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, Math.floor(total / Math.max(1, parallel)));
}
