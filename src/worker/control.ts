/**
 * Cooperative control of a long job: the training loop reads `shouldStop()` between steps,
 * so pausing never interrupts a step and the weights trained so far are kept.
 */
export type StopReason = 'pause' | 'cancel' | 'finish';

export class JobControl {
  private reason: StopReason | null = null;
  private wake: (() => void) | null = null;

  /** True when the loop should return after the current step. */
  shouldStop = (): boolean => this.reason !== null;

  get stopReason(): StopReason | null {
    return this.reason;
  }

  pause(): void {
    if (this.reason === null) this.reason = 'pause';
  }

  /** Stop training early and go on to scoring with the weights trained so far. */
  finishEarly(): void {
    if (this.reason !== 'cancel') this.reason = 'finish';
    this.wake?.();
  }

  cancel(): void {
    this.reason = 'cancel';
    this.wake?.();
  }

  resume(): void {
    if (this.reason === 'pause') this.reason = null;
    this.wake?.();
  }

  /** Resolves once a paused job is resumed, finished early or cancelled. */
  async waitWhilePaused(): Promise<void> {
    while (this.reason === 'pause') {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}
