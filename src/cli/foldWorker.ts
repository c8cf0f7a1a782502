/** A worker thread of the CLI's fold runner: core's trainFoldEpoch on its own engine (the main thread's spec; started through foldWorker.mjs). */
import { parentPort, workerData } from 'node:worker_threads';
import { trainFoldEpoch, type FoldRequest } from '../core/foldRunner';
import { setupNodeBackend, setupTrainEngine, type TrainEngineSpec } from './backend';

const port = parentPort!;
const ready = setupNodeBackend().then(() => setupTrainEngine((workerData as { engine: TrainEngineSpec }).engine));
port.on('message', async (req: FoldRequest) => {
  try {
    await ready;
    const bytes = await trainFoldEpoch(req, (step) => port.postMessage({ id: req.id, type: 'step', step }));
    port.postMessage({ id: req.id, type: 'done', bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ id: req.id, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
