/**
 * Shared plumbing of long jobs: hooks, cooperative cancellation and ETA, so that the CLI and
 * the worker report and stop every phase the same way.
 */
import type { Progress } from './types';
import { CancelledError } from './model/score';

// One cancellation class for the whole engine: the model's scoring loop throws the same one.
export { CancelledError };

/** What a caller can watch and steer; every member is optional. */
export interface JobHooks {
  onProgress?(p: Progress): void;
  /** Polled between steps; returning true stops the job with a CancelledError. */
  shouldStop?(): boolean;
  /** Human notes worth showing (settings chosen, fallbacks, warnings). */
  onNote?(message: string): void;
}

export function checkStop(hooks: JobHooks | undefined): void {
  if (hooks?.shouldStop?.()) throw new CancelledError();
}

/** Lets the event loop run (messages, cancel clicks) between chunks of synchronous work. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Remaining time from the average pace so far: elapsed / done * (total - done). */
export class EtaClock {
  private readonly start = performance.now();

  constructor(private readonly total: number) {}

  /** Seconds left after `done` of `total` units, or null before the first unit. */
  eta(done: number): number | null {
    if (done <= 0) return null;
    if (done >= this.total) return 0;
    const elapsed = (performance.now() - this.start) / 1000;
    return (elapsed / done) * (this.total - done);
  }

  elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}
