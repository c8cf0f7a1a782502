/**
 * The embedding map (issue 9): every scored image at its embedding's first two principal
 * coordinates (computed in the worker, core/projection.ts), coloured by score rank, flagged
 * images ringed, witness families circled. Drag a box to select images: the gallery shows the
 * selection, which can be marked poisoned or clean or exported; a click opens one image.
 * Points are drawn once per change on a canvas; dragging moves only an overlay box, so the map
 * stays fluid at tens of thousands of points.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { rowsInBox } from '../../core/projection';
import { embeddingMap, lastRunResult } from '../../state/bridge';
import { useStudio } from '../../state/store';
import type { Verdicts } from '../../state/verdicts';
import type { EmbeddingMap as MapData } from '../../worker/protocol';
import { download } from '../ExportPanel/download';
import { formatPercent, formatScore, plural } from '../format';
import { useElementWidth } from '../hooks/useElementWidth';
import { drawMap } from './draw';
import './embedding-map.css';

const HEIGHT = 340;
const PAD = 12;
/** A press that moves less than this (px) is a click on a point, not a box. */
const CLICK_PX = 4;
/** A click picks the nearest point within this distance (px). */
const PICK_PX = 8;

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Data <-> canvas pixels for the map's bounds. */
function scalesFor(xy: Float32Array, width: number) {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let r = 0; r < xy.length / 2; r++) {
    minX = Math.min(minX, xy[2 * r]);
    maxX = Math.max(maxX, xy[2 * r]);
    minY = Math.min(minY, xy[2 * r + 1]);
    maxY = Math.max(maxY, xy[2 * r + 1]);
  }
  const sx = (width - 2 * PAD) / (maxX - minX || 1);
  const sy = (HEIGHT - 2 * PAD) / (maxY - minY || 1);
  return {
    px: (x: number) => PAD + (x - minX) * sx,
    py: (y: number) => HEIGHT - PAD - (y - minY) * sy,
    dataX: (px: number) => minX + (px - PAD) / sx,
    dataY: (py: number) => minY + (HEIGHT - PAD - py) / sy,
  };
}

export function EmbeddingMap({ verdicts }: { verdicts: Verdicts }) {
  const files = useStudio((s) => s.files);
  const scores = useStudio((s) => s.scores);
  const selection = useStudio((s) => s.mapSelection);
  const { setMapSelection, setOverrides, select, setEnlarged } = useStudio.getState();
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The projection of the run whose scores are shown; another run's is 'loading' until it arrives.
  const [loaded, setLoaded] = useState<{ scores: Float32Array | null; map: MapData | null } | null>(null);
  const map: MapData | null | 'loading' = loaded && loaded.scores === scores ? loaded.map : 'loading';
  const [drag, setDrag] = useState<Box | null>(null);
  const { flagged, order } = verdicts;

  useEffect(() => {
    let live = true;
    void embeddingMap().then((m) => live && setLoaded({ scores, map: m }));
    return () => {
      live = false;
    };
  }, [scores]);

  const data = map === 'loading' ? null : map;
  const scales = useMemo(() => (data ? scalesFor(data.xy, width) : null), [data, width]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the run's families change with its scores
  const families = useMemo(() => lastRunResult()?.families ?? [], [scores]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !data || !scales) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(HEIGHT * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawMap(ctx, { width, height: HEIGHT, xy: data.xy, order, flagged, selection, families, px: scales.px, py: scales.py });
  }, [data, scales, width, order, flagged, selection, families]);

  if (!scores) return null;
  if (map === 'loading') return <p className="muted">Projecting the embeddings...</p>;
  if (!data || !scales) return <p className="muted">The embedding map needs the embeddings of a finished run in this tab; run the analysis again to see it.</p>;

  const local = (e: PointerEvent) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = local(e);
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    const p = local(e);
    setDrag({ ...drag, x1: p.x, y1: p.y });
  };
  const onUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    const p = local(e);
    const box = { ...drag, x1: p.x, y1: p.y };
    setDrag(null);
    if (Math.hypot(box.x1 - box.x0, box.y1 - box.y0) < CLICK_PX) {
      // A click: the nearest point within reach opens in the lightbox.
      let best = -1;
      let bestD = PICK_PX;
      for (let i = 0; i < data.xy.length / 2; i++) {
        const d = Math.hypot(scales.px(data.xy[2 * i]) - p.x, scales.py(data.xy[2 * i + 1]) - p.y);
        if (d <= bestD) [best, bestD] = [i, d];
      }
      if (best >= 0) {
        select(best);
        setEnlarged(true);
      }
      return;
    }
    const rows = rowsInBox(data.xy, scales.dataX(box.x0), scales.dataY(box.y0), scales.dataX(box.x1), scales.dataY(box.y1));
    setMapSelection(rows.length ? rows : null);
  };

  const chosen = selection ?? [];
  const chosenFlagged = chosen.filter((i) => flagged[i] === 1).length;
  const exportSelection = () => {
    const lines = ['file,score,flagged', ...chosen.map((i) => `"${files[i].replaceAll('"', '""')}",${scores[i]},${flagged[i]}`)];
    download('dede-map-selection.csv', lines.join('\n') + '\n', 'text/csv');
  };

  return (
    <div className="embedding-map" ref={boxRef}>
      <p className="muted small embedding-map__legend">
        First two principal axes of the {data.dim}-d embeddings ({formatPercent(data.explained[0])} and {formatPercent(data.explained[1])} of their variance
        {data.fitRows < files.length ? `, fitted on ${plural(data.fitRows, 'image')}` : ''}). Brighter = higher score;{' '}
        <span className="embedding-map__ring">ringed</span> = flagged; blue squares (dashed circle when compact) = families of nearly identical embeddings. Drag a box to select,
        click a point to open it.
      </p>
      <div className="embedding-map__plot" style={{ height: HEIGHT }}>
        <canvas
          ref={canvasRef}
          style={{ width, height: HEIGHT }}
          role="img"
          aria-label="Embedding map"
          data-points={data.xy.length / 2}
          data-top-point={order.length ? `${scales.px(data.xy[2 * order[0]]).toFixed(1)},${scales.py(data.xy[2 * order[0] + 1]).toFixed(1)}` : undefined}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={() => setDrag(null)}
        />
        {drag && (
          <div
            className="embedding-map__box"
            style={{ left: Math.min(drag.x0, drag.x1), top: Math.min(drag.y0, drag.y1), width: Math.abs(drag.x1 - drag.x0), height: Math.abs(drag.y1 - drag.y0) }}
          />
        )}
      </div>
      {selection && (
        <div className="embedding-map__actions" data-testid="map-selection">
          <span>
            <strong>{plural(chosen.length, 'image')}</strong> selected, {chosenFlagged.toLocaleString()} flagged
            {chosen.length > 0 ? ` (top score ${formatScore(Math.max(...chosen.map((i) => scores[i])))})` : ''}
          </span>
          <button type="button" onClick={() => setOverrides(chosen.map((i) => files[i]), 'poisoned')}>
            Mark all poisoned
          </button>
          <button type="button" onClick={() => setOverrides(chosen.map((i) => files[i]), 'clean')}>
            Mark all clean
          </button>
          <button type="button" onClick={() => setOverrides(chosen.map((i) => files[i]), null)}>
            Back to automatic
          </button>
          <button type="button" onClick={exportSelection}>
            Export selection (CSV)
          </button>
          <button type="button" onClick={() => setMapSelection(null)}>
            Clear selection
          </button>
        </div>
      )}
    </div>
  );
}
