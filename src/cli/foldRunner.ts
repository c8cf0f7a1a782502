/**
 * Node's FoldRunner (core/decoderSet.ts): cross-fitted decoders train their epochs in worker
 * threads, one tfjs-wasm instance per core (tfjs-wasm itself runs one thread), so K folds use
 * up to K cores. Results are bit-identical to training them one after the other.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FoldRunner } from '../core/decoderSet';
import type { TrainData } from '../core/model';
import type { TrainOptions } from '../core/options';

/** Worker threads that cores allow beside the main thread for `folds` decoders (0: train in this thread). */
export function foldSlots(folds: number, cores = os.availableParallelism?.() ?? os.cpus().length): number {
  return Math.max(0, Math.min(folds - 1, cores - 1));
}

interface Pending {
  resolve(bytes: Uint8Array): void;
  reject(err: Error): void;
  onStep(step: number): void;
}

export class ThreadFoldRunner implements FoldRunner {
  readonly slots: number;
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(slots: number) {
    this.slots = slots;
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./foldWorker.mjs', import.meta.url));
    w.on('message', (m: { id: number; type: 'step' | 'done' | 'error'; step?: number; bytes?: Uint8Array; message?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'step') p.onStep(m.step!);
      else {
        this.pending.delete(m.id);
        this.idle.push(w);
        if (m.type === 'done') p.resolve(m.bytes!);
        else p.reject(new Error(`a training thread failed: ${m.message}`));
      }
    });
    w.on('error', (err) => this.failAll(err));
    this.workers.push(w);
    return w;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  trainEpoch(req: { state: Uint8Array; data: TrainData; opts: TrainOptions; untilEpoch: number; onStep(step: number): void }): Promise<Uint8Array> {
    const w = this.idle.pop() ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onStep: req.onStep });
      w.postMessage({ id, state: req.state, data: req.data, opts: req.opts, untilEpoch: req.untilEpoch });
    });
  }

  cancel(): void {
    this.failAll(new Error('cancelled'));
    for (const w of this.workers) void w.terminate();
    this.workers = [];
    this.idle = [];
  }

  /** Ends the threads (call when training is over). */
  async close(): Promise<void> {
    const all = this.workers;
    this.workers = [];
    this.idle = [];
    await Promise.all(all.map((w) => w.terminate()));
  }
}
