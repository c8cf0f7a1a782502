/**
 * The decoder's training engine in the browser worker (core's engine.ts): on the CPU backends
 * (wasm, cpu) ONNX Runtime Web runs the training step as one ONNX graph on its own wasm threads
 * (src/core/model/onnx; several times tfjs-wasm's speed, README "Benchmarks") and the forward
 * passes behind scores and rebuilds; on a GPU backend tfjs does all of it. tfjs assembles the
 * scores either way.
 */
import * as ort from 'onnxruntime-web';
import { setStepEngine } from '../core/model/engine';
import { OrtStepEngine } from '../core/model/onnx/ortStep';
import type { BackendName } from './backendPolicy';
import { configureOrt } from './ort';

// One engine per worker: its sessions (one per batch shape) outlive a run, so "Train again" and
// later runs skip building them.
let ortEngine: OrtStepEngine | null = null;

/** Registers the engine for tfjs backend `backend`; returns it in words, or null when tfjs trains. */
export function useTrainingEngine(backend: BackendName): string | null {
  if (backend !== 'wasm' && backend !== 'cpu') {
    setStepEngine(null);
    return null;
  }
  configureOrt();
  const threads = Number(ort.env.wasm.numThreads) || 1;
  ortEngine ??= new OrtStepEngine({
    runtime: ort,
    executionProviders: ['wasm'],
    threads,
    name: `ONNX Runtime Web (wasm, ${threads} thread${threads === 1 ? '' : 's'})`,
  });
  setStepEngine(ortEngine);
  return ortEngine.name;
}

/** Back to tfjs's own training steps (after the ONNX Runtime engine failed). */
export function dropTrainingEngine(): void {
  setStepEngine(null);
}
