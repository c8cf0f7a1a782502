/**
 * Progress on stderr: one line rewritten in place on a terminal (throttled), and plain lines
 * at a slower pace when stderr is a file or a pipe, so logs stay readable.
 */
import type { Progress } from '../core/types';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One human line for a progress event, e.g. "training  epoch 3/30  40%  loss 0.412  ETA 1m20s". */
export function progressLine(p: Progress): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
  const eta = p.etaSeconds === null ? '' : `  ETA ${formatDuration(p.etaSeconds)}`;
  if (p.phase === 'training') {
    const loss = Number.isFinite(p.loss) ? `  loss ${p.loss.toPrecision(4)}` : '';
    return `training   epoch ${p.epoch}/${p.epochs}  ${pct}%${loss}${eta}`;
  }
  return `${p.phase.padEnd(10)} ${p.done}/${p.total}  ${pct}%${eta}`;
}

export class ProgressPrinter {
  private lastAt = 0;
  private lastPhase: string | null = null;
  private open = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(p: Progress): void {
    if (!this.enabled) return;
    const now = Date.now();
    const finished = p.done >= p.total;
    const newPhase = p.phase !== this.lastPhase;
    // A log file gets a line every 30 s; a terminal redraws its one line up to 5 times a second.
    const every = this.tty ? 200 : 30_000;
    if (!newPhase && !finished && now - this.lastAt < every) return;
    if (newPhase && this.open) this.endLine();
    this.lastAt = now;
    this.lastPhase = p.phase;
    const line = progressLine(p);
    if (this.tty) {
      const cols = this.stream.columns;
      const width = cols && cols > 20 ? cols - 1 : 120;
      // \r returns to the line start, ESC[K clears what a longer previous line left behind.
      this.stream.write(`\r${line.slice(0, width)}\x1b[K`);
      this.open = true;
      if (finished) this.endLine();
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so that a message can follow on its own line. */
  endLine(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }

  /** Writes a whole message line, keeping the progress line intact. */
  say(message: string): void {
    this.endLine();
    this.stream.write(`${message}\n`);
  }
}
