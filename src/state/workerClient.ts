/**
 * The one compute worker of the page, created on first use. The UI talks to it only through
 * the typed Comlink proxy; a crash of the worker becomes a visible error, never a hang.
 */
import { wrap, type Remote } from 'comlink';
import type { StudioApi } from '../worker/api';

let remote: Remote<StudioApi> | null = null;
const crashListeners = new Set<(message: string) => void>();

export function studio(): Remote<StudioApi> {
  if (!remote) {
    const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'dede-compute' });
    worker.addEventListener('error', (e) => {
      const message = e.message || 'the compute worker stopped unexpectedly';
      crashListeners.forEach((l) => l(message));
    });
    remote = wrap<StudioApi>(worker);
  }
  return remote;
}

export function onWorkerCrash(listener: (message: string) => void): () => void {
  crashListeners.add(listener);
  return () => crashListeners.delete(listener);
}
