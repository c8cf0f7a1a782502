/**
 * A worker thread that trains one decoder epoch at a time for the CLI's FoldRunner (foldRunner.ts):
 * checkpoint bytes in, the same core training loop (trainEpochs) on its own tfjs-wasm instance,
 * checkpoint bytes out. Started through foldWorker.mjs (tsx's loader).
 */
import { parentPort } from 'node:worker_threads';
import { checkpointFromBytes, checkpointToBytes, disposeTrainState, loadCheckpoint, saveCheckpoint, trainEpochs, type TrainData } from '../core/model/train';
import type { TrainOptions } from '../core/options';
import { setupNodeBackend } from './backend';

interface Request {
  id: number;
  state: Uint8Array;
  data: TrainData;
  opts: TrainOptions;
  untilEpoch: number;
}

const port = parentPort!;
const ready = setupNodeBackend();
port.on('message', async (req: Request) => {
  try {
    await ready;
    const state = loadCheckpoint(checkpointFromBytes(req.state));
    try {
      await trainEpochs(state, req.data, req.opts, {
        untilEpoch: req.untilEpoch,
        onProgress: () => port.postMessage({ id: req.id, type: 'step', step: state.epochStep }),
      });
      const bytes = checkpointToBytes(saveCheckpoint(state));
      port.postMessage({ id: req.id, type: 'done', bytes }, [bytes.buffer as ArrayBuffer]);
    } finally {
      disposeTrainState(state);
    }
  } catch (err) {
    port.postMessage({ id: req.id, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
