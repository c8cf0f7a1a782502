/**
 * The app's fold runner: core's PortFoldRunner over nested module workers (foldWorker.ts), used
 * when the compute worker trains on wasm (one thread per wasm instance, so the other cores would
 * idle). On a GPU backend the decoders train on the GPU one after the other instead.
 */
import { PortFoldRunner, foldSlots, type FoldReply } from '../core/foldRunner';

export function webFoldRunner(folds: number): PortFoldRunner | null {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  const slots = foldSlots(folds, cores);
  if (slots === 0 || typeof Worker === 'undefined') return null;
  return new PortFoldRunner(slots, () => {
    const w = new Worker(new URL('./foldWorker.ts', import.meta.url), { type: 'module', name: 'dede-fold' });
    return {
      post: (msg) => w.postMessage(msg),
      onMessage: (cb) => w.addEventListener('message', (e: MessageEvent<FoldReply>) => cb(e.data)),
      onError: (cb) => w.addEventListener('error', (e) => cb(new Error(e.message || 'a training worker failed to start'))),
      terminate: () => w.terminate(),
    };
  });
}
