/**
 * Node's fold runner: core's PortFoldRunner over worker_threads (foldWorker.ts), one tfjs-wasm
 * instance per core. Results are bit-identical to training the folds one after the other.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { PortFoldRunner, foldSlots as slotsFor, type FoldReply } from '../core/foldRunner';
import type { TrainEngineSpec } from './backend';

/** Worker threads that this machine's cores allow beside the main thread for `folds` decoders. */
export function foldSlots(folds: number, cores = os.availableParallelism?.() ?? os.cpus().length): number {
  return slotsFor(folds, cores);
}

export class ThreadFoldRunner extends PortFoldRunner {
  constructor(slots: number, engine: TrainEngineSpec = { engine: 'tfjs', ort: 'auto', threads: 1 }) {
    super(slots, () => {
      const w = new Worker(new URL('./foldWorker.mjs', import.meta.url), { workerData: { engine } });
      return {
        post: (msg) => w.postMessage(msg),
        onMessage: (cb) => w.on('message', (m: FoldReply) => cb(m)),
        onError: (cb) => w.on('error', cb),
        terminate: () => w.terminate(),
      };
    });
  }
}
