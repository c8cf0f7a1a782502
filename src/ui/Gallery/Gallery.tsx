/**
 * The samples sorted by score, highest first, virtualised (only the visible rows exist), with
 * a filter, keyboard navigation (j/k or arrows, Enter to enlarge, p/c/a to set the verdict)
 * and a manual override per sample that wins over the threshold.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { GalleryFilter } from '../../state/uiSlice';
import { useStudio } from '../../state/store';
import type { Verdicts } from '../../state/verdicts';
import { Lightbox } from './Lightbox';
import { SampleRow } from './SampleRow';
import './gallery.css';

const ROW = 84;
const VIEW_HEIGHT = 520;
const OVERSCAN = 4;

export function Gallery({ verdicts }: { verdicts: Verdicts }) {
  const files = useStudio((s) => s.files);
  const scores = useStudio((s) => s.scores);
  const overrides = useStudio((s) => s.overrides);
  const filter = useStudio((s) => s.galleryFilter);
  const selected = useStudio((s) => s.selected);
  const enlarged = useStudio((s) => s.enlarged);
  const mapSelection = useStudio((s) => s.mapSelection);
  const { setGalleryFilter, select, setEnlarged, setOverride } = useStudio.getState();
  const [scrollTop, setScrollTop] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const { flagged, order } = verdicts;

  const rows = useMemo(() => {
    if (filter === 'all') return order;
    if (filter === 'selection') {
      const chosen = new Set(mapSelection ?? []);
      return order.filter((i) => chosen.has(i));
    }
    return order.filter((i) => (flagged[i] === 1) === (filter === 'flagged'));
  }, [order, flagged, filter, mapSelection]);
  const rankOf = useMemo(() => new Map(order.map((idx, r) => [idx, r + 1])), [order]);
  const position = selected === null ? -1 : rows.indexOf(selected);

  const goTo = (pos: number) => {
    if (rows.length === 0) return;
    const p = Math.max(0, Math.min(rows.length - 1, pos));
    select(rows[p]);
    // Keep the selected row in view.
    const list = listRef.current;
    if (list) {
      if (p * ROW < list.scrollTop) list.scrollTop = p * ROW;
      else if ((p + 1) * ROW > list.scrollTop + VIEW_HEIGHT) list.scrollTop = (p + 1) * ROW - VIEW_HEIGHT;
    }
  };

  const onKey = (e: KeyboardEvent) => {
    const key = e.key;
    if (key === 'j' || key === 'ArrowDown' || key === 'ArrowRight') goTo(position + 1);
    else if (key === 'k' || key === 'ArrowUp' || key === 'ArrowLeft') goTo(position - 1);
    else if (key === 'Enter' && selected !== null) setEnlarged(true);
    else if (key === 'Escape') setEnlarged(false);
    else if ((key === 'p' || key === 'c' || key === 'a') && selected !== null)
      setOverride(files[selected], key === 'p' ? 'poisoned' : key === 'c' ? 'clean' : null);
    else return;
    e.preventDefault();
  };

  if (!scores) return null;
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + VIEW_HEIGHT) / ROW) + OVERSCAN);
  const enlarge = (i: number) => {
    select(i);
    setEnlarged(true);
  };
  const filters: [GalleryFilter, string][] = [
    ['all', `All (${order.length})`],
    ['flagged', `Flagged (${verdicts.counts.flagged})`],
    ['clean', `Clean (${verdicts.counts.clean})`],
    ...(mapSelection ? ([['selection', `Map selection (${mapSelection.length})`]] as [GalleryFilter, string][]) : []),
  ];

  return (
    <div className="gallery" onKeyDown={onKey}>
      <div className="gallery__bar">
        <div className="segmented" role="group" aria-label="Show">
          {filters.map(([f, label]) => (
            <button key={f} type="button" aria-pressed={filter === f} onClick={() => setGalleryFilter(f)}>
              {label}
            </button>
          ))}
        </div>
        <span className="muted small">input · reconstruction · error · best rebuild from another embedding &nbsp;|&nbsp; j/k or arrows to move, Enter to enlarge, p/c/a to override</span>
      </div>
      <div
        ref={listRef}
        className="gallery__list"
        style={{ height: Math.min(VIEW_HEIGHT, Math.max(ROW, rows.length * ROW)) }}
        tabIndex={0}
        role="listbox"
        aria-label="Samples by score"
        aria-activedescendant={undefined}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: rows.length * ROW, position: 'relative' }}>
          {rows.slice(first, last).map((index, k) => (
            <SampleRow
              key={index}
              index={index}
              rank={rankOf.get(index) ?? 0}
              file={files[index]}
              score={scores[index]}
              flagged={flagged[index] === 1}
              override={overrides[files[index]]}
              selected={selected === index}
              top={(first + k) * ROW}
              onSelect={select}
              onEnlarge={enlarge}
              onOverride={setOverride}
            />
          ))}
        </div>
        {rows.length === 0 && <p className="muted gallery__empty">No samples in this view.</p>}
      </div>
      {enlarged && selected !== null && (
        <Lightbox
          index={selected}
          verdicts={flagged}
          file={files[selected]}
          score={scores[selected]}
          flagged={flagged[selected] === 1}
          threshold={verdicts.threshold}
          override={overrides[files[selected]]}
          onClose={() => setEnlarged(false)}
          onStep={(d) => goTo(position + d)}
          onOverride={(v) => setOverride(files[selected], v)}
        />
      )}
    </div>
  );
}
