/** One sample enlarged: input, reconstruction and error heatmap side by side. */
import { useEffect, useRef, useState } from 'react';
import type { Verdict } from '../../state/resultsSlice';
import { RgbaCanvas } from '../RgbaCanvas/RgbaCanvas';
import { formatScore } from '../format';
import { useSampleView } from './useSampleView';
import { lastRunResult, lookalikes } from '../../state/bridge';
import { useStudio } from '../../state/store';
import type { RgbaTile } from '../../worker/protocol';
import { WITNESS_LABELS, notVotingReason } from '../../core/witnesses';

interface Props {
  index: number;
  /** Final verdict per sample: the lookalikes are searched among the kept (0) ones. */
  verdicts: Uint8Array;
  file: string;
  score: number;
  flagged: boolean;
  threshold: number | null;
  override: Verdict | undefined;
  onClose(): void;
  onStep(delta: number): void;
  onOverride(v: Verdict | null): void;
}

/** Each witness's calibrated z for this sample, and which passed the threshold (the CSV's flagged_by). */
function WitnessLine({ index, threshold }: { index: number; threshold: number | null }) {
  const run = lastRunResult();
  if (!run || run.witnesses.length === 0) return null;
  return (
    <p className="lightbox__witnesses" data-testid="witness-line">
      {run.witnesses.map((w) => {
        const z = w.z[index];
        const passed = run.calibrated && w.votes && threshold !== null && z > threshold;
        return (
          <span key={w.name} className={passed ? 'badge badge--poisoned' : 'badge'} title={notVotingReason(w) ?? undefined}>
            {WITNESS_LABELS[w.name]}: z {z.toFixed(2)}
            {passed ? ' (flags it)' : w.votes ? '' : ' (not voting)'}
          </span>
        );
      })}
    </p>
  );
}

/** The kept images nearest to this sample's rebuild: what class the decoder reads from its embedding. */
function Lookalikes({ index, verdicts }: { index: number; verdicts: Uint8Array }) {
  const files = useStudio((s) => s.files);
  const [found, setFound] = useState<{ for: number; items: { index: number; tile: RgbaTile }[] } | null>(null);
  useEffect(() => {
    let live = true;
    void lookalikes(index, verdicts).then((items) => live && setFound({ for: index, items }));
    return () => {
      live = false;
    };
  }, [index, verdicts]);
  const items = found?.for === index ? found.items : null;
  return (
    <div className="lightbox__lookalikes" aria-label="Rebuild looks like">
      <span className="muted small">Its rebuild looks most like these kept images (what the decoder reads from its embedding):</span>
      <div className="lightbox__lookalike-row">
        {items === null && <span className="muted small">finding them...</span>}
        {items?.map((it) => (
          <figure key={it.index}>
            <RgbaCanvas tile={it.tile} size={96} label={`Looks like ${files[it.index]}`} />
            <figcaption className="small">{files[it.index]}</figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
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
        <WitnessLine index={p.index} threshold={p.threshold} />
        <div className="lightbox__tiles">
          {(['input', 'recon', 'heat'] as const).map((k) => (
            <figure key={k}>
              <RgbaCanvas tile={view?.[k]} size={240} label={k === 'input' ? 'Input' : k === 'recon' ? 'Reconstruction' : 'Error heatmap'} />
              <figcaption>{k === 'input' ? 'Input (as the encoder sees it)' : k === 'recon' ? 'Reconstruction from the embedding' : 'Squared error per pixel'}</figcaption>
            </figure>
          ))}
          {view?.donor && (
            <figure>
              <RgbaCanvas tile={view.donor.recon} size={240} label="Best counterfactual rebuild" />
              <figcaption>Best rebuild from another image's embedding (the counterfactual the score compares with)</figcaption>
            </figure>
          )}
        </div>
        <Lookalikes index={p.index} verdicts={p.verdicts} />
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
