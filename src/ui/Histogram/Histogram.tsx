/**
 * The score histogram (linear or log-spaced bins, from core's `histogram`) with the threshold
 * as a line the analyst drags, or moves with the arrow keys. Bins above it are drawn as flagged.
 */
import { useMemo, useRef } from 'react';
import { histogram } from '../../core/histogram';
import { useStudio } from '../../state/store';
import { formatScore } from '../format';
import { useElementWidth } from '../hooks/useElementWidth';
import './histogram.css';

const HEIGHT = 200;
const PAD = { left: 44, right: 28, top: 10, bottom: 28 };
const BINS = 60;

interface Props {
  scores: Float32Array;
  threshold: number | null;
}

export function Histogram({ scores, threshold }: Props) {
  const log = useStudio((s) => s.histLog);
  const setLog = useStudio((s) => s.setHistLog);
  const setManual = useStudio((s) => s.setManualThreshold);
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const hist = useMemo(() => histogram(scores, BINS, { log }), [scores, log]);

  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const lo = hist.edges[0] ?? 0;
  const hi = hist.edges[hist.edges.length - 1] ?? 1;
  const maxCount = Math.max(1, ...hist.counts);
  // Axis space: the bins' own space (log10 of the score on a log scale).
  const toAxis = (v: number) => (log ? Math.log10(Math.max(v, 1e-30)) : v);
  const fromAxis = (a: number) => (log ? 10 ** a : a);
  const xOf = (a: number) => PAD.left + ((a - lo) / (hi - lo || 1)) * plotW;
  const axisOfX = (x: number) => lo + ((x - PAD.left) / plotW) * (hi - lo);
  const tx = threshold === null ? null : Math.min(PAD.left + plotW, Math.max(PAD.left, xOf(toAxis(threshold))));

  const moveTo = (clientX: number) => {
    const rect = svgRef.current?.getBoundingClientRect();
    if (!rect) return;
    const x = Math.min(PAD.left + plotW, Math.max(PAD.left, clientX - rect.left));
    setManual(fromAxis(axisOfX(x)));
  };
  const step = (hi - lo) / BINS;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));

  return (
    <div className="histogram" ref={boxRef}>
      <div className="histogram__bar">
        <span className="muted">Score distribution; drag the line to set the threshold</span>
        <div className="segmented" role="group" aria-label="Histogram scale">
          <button type="button" aria-pressed={!log} onClick={() => setLog(false)}>
            Linear
          </button>
          <button type="button" aria-pressed={log} onClick={() => setLog(true)}>
            Log
          </button>
        </div>
      </div>
      <svg
        ref={svgRef}
        width={width}
        height={HEIGHT}
        className="histogram__svg"
        aria-label="Score histogram"
        onPointerDown={(e) => {
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
          moveTo(e.clientX);
        }}
        onPointerMove={(e) => e.buttons === 1 && moveTo(e.clientX)}
      >
        {hist.counts.map((c, i) => {
          const x0 = xOf(hist.edges[i]);
          const x1 = xOf(hist.edges[i + 1]);
          const h = (c / maxCount) * plotH;
          const flagged = threshold !== null && fromAxis(hist.edges[i]) >= threshold;
          return (
            <rect
              key={i}
              x={x0 + 0.5}
              y={PAD.top + plotH - h}
              width={Math.max(0.5, x1 - x0 - 1)}
              height={h}
              className={flagged ? 'bin bin--flagged' : 'bin'}
            >
              <title>{`${formatScore(fromAxis(hist.edges[i]))} to ${formatScore(fromAxis(hist.edges[i + 1]))}: ${c}`}</title>
            </rect>
          );
        })}
        <line x1={PAD.left} x2={PAD.left + plotW} y1={PAD.top + plotH} y2={PAD.top + plotH} className="axis" />
        {ticks.map((a, i) => (
          <text key={i} x={xOf(a)} y={HEIGHT - 8} textAnchor="middle" className="tick">
            {formatScore(fromAxis(a))}
          </text>
        ))}
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="tick">
          {maxCount}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotH} textAnchor="end" className="tick">
          0
        </text>
        {tx !== null && (
          <g
            className="threshold"
            role="slider"
            tabIndex={0}
            aria-label="Threshold"
            aria-valuemin={fromAxis(lo)}
            aria-valuemax={fromAxis(hi)}
            aria-valuenow={threshold ?? undefined}
            aria-valuetext={formatScore(threshold)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              e.preventDefault();
              const a = toAxis(threshold!) + (e.key === 'ArrowRight' ? step : -step);
              setManual(fromAxis(Math.min(hi, Math.max(lo, a))));
            }}
          >
            <line x1={tx} x2={tx} y1={PAD.top - 4} y2={PAD.top + plotH} className="threshold__line" />
            <rect x={tx - 8} y={PAD.top - 4} width={16} height={plotH + 4} className="threshold__hit" />
            <text x={tx + 6} y={PAD.top + 10} className="threshold__label">
              {formatScore(threshold)}
            </text>
          </g>
        )}
      </svg>
      {hist.skipped > 0 && <p className="muted small">{hist.skipped} non-positive or non-finite scores are not shown on this scale.</p>}
    </div>
  );
}
