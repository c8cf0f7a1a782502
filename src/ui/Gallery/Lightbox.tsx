/** One sample enlarged: input, reconstruction and error heatmap side by side. */
import { useEffect, useRef } from 'react';
import type { Verdict } from '../../state/resultsSlice';
import { RgbaCanvas } from '../RgbaCanvas/RgbaCanvas';
import { formatScore } from '../format';
import { useSampleView } from './useSampleView';

interface Props {
  index: number;
  file: string;
  score: number;
  flagged: boolean;
  override: Verdict | undefined;
  onClose(): void;
  onStep(delta: number): void;
  onOverride(v: Verdict | null): void;
}

export function Lightbox(p: Props) {
  const view = useSampleView(p.index);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={`Sample ${p.file}`} onClick={p.onClose}>
      <div
        className="lightbox__card"
        ref={ref}
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') p.onClose();
          else if (e.key === 'j' || e.key === 'ArrowRight' || e.key === 'ArrowDown') p.onStep(1);
          else if (e.key === 'k' || e.key === 'ArrowLeft' || e.key === 'ArrowUp') p.onStep(-1);
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
      >
        <header className="lightbox__head">
          <strong className="lightbox__file">{p.file}</strong>
          <span>score {formatScore(p.score)}</span>
          <span className={`badge ${p.flagged ? 'badge--poisoned' : 'badge--clean'}`}>
            {p.flagged ? 'poisoned' : 'clean'}
            {p.override ? ' (manual)' : ''}
          </span>
          <button type="button" className="button button--small" onClick={p.onClose} aria-label="Close">
            Close
          </button>
        </header>
        <div className="lightbox__tiles">
          {(['input', 'recon', 'heat'] as const).map((k) => (
            <figure key={k}>
              <RgbaCanvas tile={view?.[k]} size={240} label={k === 'input' ? 'Input' : k === 'recon' ? 'Reconstruction' : 'Error heatmap'} />
              <figcaption>{k === 'input' ? 'Input (as the encoder sees it)' : k === 'recon' ? 'Reconstruction from the embedding' : 'Squared error per pixel'}</figcaption>
            </figure>
          ))}
        </div>
        <footer className="lightbox__foot">
          <div className="segmented" role="group" aria-label="Verdict">
            <button type="button" aria-pressed={!p.override} onClick={() => p.onOverride(null)}>
              Auto (threshold)
            </button>
            <button type="button" aria-pressed={p.override === 'poisoned'} onClick={() => p.onOverride('poisoned')}>
              Poisoned
            </button>
            <button type="button" aria-pressed={p.override === 'clean'} onClick={() => p.onOverride('clean')}>
              Clean
            </button>
          </div>
          <span className="muted small">j/k or arrows: previous / next · Esc: close</span>
        </footer>
      </div>
    </div>
  );
}
