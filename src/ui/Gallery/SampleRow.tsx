/** One gallery row: rank, file, score, verdict, input | reconstruction | error, and the override. */
import { memo } from 'react';
import type { Verdict } from '../../state/resultsSlice';
import { RgbaCanvas } from '../RgbaCanvas/RgbaCanvas';
import { formatScore } from '../format';
import { useSampleView } from './useSampleView';

export interface SampleRowProps {
  index: number;
  rank: number;
  file: string;
  score: number;
  flagged: boolean;
  override: Verdict | undefined;
  selected: boolean;
  top: number;
  onSelect(index: number): void;
  onEnlarge(index: number): void;
  onOverride(file: string, verdict: Verdict | null): void;
}

export const SampleRow = memo(function SampleRow(p: SampleRowProps) {
  const view = useSampleView(p.index);
  return (
    <div
      className={`sample-row${p.selected ? ' sample-row--selected' : ''}${p.flagged ? ' sample-row--flagged' : ''}`}
      style={{ top: p.top }}
      role="option"
      aria-selected={p.selected}
      data-file={p.file}
      onClick={() => p.onSelect(p.index)}
      onDoubleClick={() => p.onEnlarge(p.index)}
    >
      <span className="sample-row__rank">#{p.rank}</span>
      <button type="button" className="sample-row__tiles" onClick={() => p.onEnlarge(p.index)} aria-label={`Enlarge ${p.file}`}>
        <RgbaCanvas tile={view?.input} size={64} label="Input" />
        <RgbaCanvas tile={view?.recon} size={64} label="Reconstruction" />
        <RgbaCanvas tile={view?.heat} size={64} label="Error heatmap" />
        {view?.donor && <RgbaCanvas tile={view.donor.recon} size={64} label="Best rebuild from another image's embedding" />}
      </button>
      <div className="sample-row__meta">
        <span className="sample-row__file" title={p.file}>
          {p.file}
        </span>
        <span className="sample-row__score">score {formatScore(p.score)}</span>
        <span className={`badge ${p.flagged ? 'badge--poisoned' : 'badge--clean'}`}>
          {p.flagged ? 'poisoned' : 'clean'}
          {p.override ? ' (manual)' : ''}
        </span>
      </div>
      <div className="sample-row__override segmented" role="group" aria-label={`Verdict for ${p.file}`}>
        <button type="button" aria-pressed={!p.override} onClick={(e) => (e.stopPropagation(), p.onOverride(p.file, null))}>
          Auto
        </button>
        <button type="button" aria-pressed={p.override === 'poisoned'} onClick={(e) => (e.stopPropagation(), p.onOverride(p.file, 'poisoned'))}>
          Poisoned
        </button>
        <button type="button" aria-pressed={p.override === 'clean'} onClick={(e) => (e.stopPropagation(), p.onOverride(p.file, 'clean'))}>
          Clean
        </button>
      </div>
    </div>
  );
});
