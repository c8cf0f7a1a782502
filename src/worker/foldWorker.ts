/**
 * A nested module worker of the app's fold runner (foldRunner.ts): core's trainFoldEpoch on its
 * own single-threaded tfjs-wasm, so the second cross-fitted decoder trains on another core.
 */
import { trainFoldEpoch, type FoldRequest } from '../core/foldRunner';
import { startWasm } from './backend';

const ready = startWasm();
self.onmessage = async (e: MessageEvent<FoldRequest>) => {
  const req = e.data;
  try {
    if (!(await ready)) throw new Error('the wasm backend could not start in a training worker');
    const bytes = await trainFoldEpoch(req, (step) => self.postMessage({ id: req.id, type: 'step', step }));
    (self as unknown as Worker).postMessage({ id: req.id, type: 'done', bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    self.postMessage({ id: req.id, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
