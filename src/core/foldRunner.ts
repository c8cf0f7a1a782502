/**
 * Fold-parallel training over message ports, the same in Node (worker_threads) and in the
 * browser (nested Web Workers): `PortFoldRunner` is core's FoldRunner (decoderSet.ts) over any
 * worker a host can spawn, and `trainFoldEpoch` is what each such worker runs. Cross-fitted
 * decoders then train on separate cores, one tfjs-wasm instance each, with results identical to
 * training them one after the other (the hand-over is the full checkpoint).
 */
import type { FoldRunner } from './decoderSet';
import { checkpointFromBytes, checkpointToBytes, disposeTrainState, loadCheckpoint, saveCheckpoint, trainEpochs, type TrainData } from './model/train';
import type { TrainOptions } from './options';

/** A request to a fold worker, and its replies. */
export interface FoldRequest {
  id: number;
  state: Uint8Array;
  data: TrainData;
  opts: TrainOptions;
  untilEpoch: number;
}
export type FoldReply =
  | { id: number; type: 'step'; step: number }
  | { id: number; type: 'done'; bytes: Uint8Array }
  | { id: number; type: 'error'; message: string };

/** What a host's worker must offer (a Node Worker or a Web Worker, wrapped). */
export interface FoldPort {
  post(msg: FoldRequest): void;
  onMessage(cb: (m: FoldReply) => void): void;
  onError(cb: (err: Error) => void): void;
  terminate(): void | Promise<unknown>;
}

/** Worker threads that cores allow beside the caller's for `folds` decoders (0: train in the caller). */
export function foldSlots(folds: number, cores: number): number {
  return Math.max(0, Math.min(folds - 1, cores - 1));
}

/** The worker side: trains the state in `req` up to `req.untilEpoch` on the current tfjs backend. */
export async function trainFoldEpoch(req: FoldRequest, onStep: (step: number) => void): Promise<Uint8Array> {
  const state = loadCheckpoint(checkpointFromBytes(req.state));
  try {
    await trainEpochs(state, req.data, req.opts, { untilEpoch: req.untilEpoch, onProgress: () => onStep(state.epochStep) });
    return checkpointToBytes(saveCheckpoint(state));
  } finally {
    disposeTrainState(state);
  }
}

interface Pending {
  resolve(bytes: Uint8Array): void;
  reject(err: Error): void;
  onStep(step: number): void;
}

export class PortFoldRunner implements FoldRunner {
  private ports: FoldPort[] = [];
  private idle: FoldPort[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    readonly slots: number,
    private readonly spawn: () => FoldPort,
  ) {}

  private start(): FoldPort {
    const port = this.spawn();
    port.onMessage((m) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'step') return p.onStep(m.step);
      this.pending.delete(m.id);
      this.idle.push(port);
      if (m.type === 'done') p.resolve(m.bytes);
      else p.reject(new Error(`a training thread failed: ${m.message}`));
    });
    port.onError((err) => this.failAll(err));
    this.ports.push(port);
    return port;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  trainEpoch(req: { state: Uint8Array; data: TrainData; opts: TrainOptions; untilEpoch: number; onStep(step: number): void }): Promise<Uint8Array> {
    const port = this.idle.pop() ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onStep: req.onStep });
      port.post({ id, state: req.state, data: req.data, opts: req.opts, untilEpoch: req.untilEpoch });
    });
  }

  cancel(): void {
    this.failAll(new Error('cancelled'));
    for (const p of this.ports) void p.terminate();
    this.ports = [];
    this.idle = [];
  }

  /** Ends the workers (call when training is over). */
  async close(): Promise<void> {
    const all = this.ports;
    this.ports = [];
    this.idle = [];
    await Promise.all(all.map((p) => p.terminate()));
  }
}
