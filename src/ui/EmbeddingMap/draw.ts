/**
 * Draws the embedding map's points on a 2-D canvas: lowest score first so the suspicious ones
 * lie on top, unselected ones faded while a selection exists, witness families outlined, and
 * flagged rings last so no outline hides a verdict. Pure drawing (no React), so its cost at
 * 20,000 points can be measured on its own (scripts/research/map-draw.ts).
 */
import { rampColour } from '../../core/image/heat';

/** A family spread wider than this (px) on the map is shown by its outlined members only. */
const FAMILY_CIRCLE_PX = 40;
/** Colour levels of the score ramp (rank-based). */
const LEVELS = 24;

export interface MapScene {
  width: number;
  height: number;
  /** Row-major (x, y) per sample, in data units; px/py map them to canvas pixels. */
  xy: Float32Array;
  /** Samples by score, highest first. */
  order: number[];
  /** 1 = flagged, per sample. */
  flagged: Uint8Array;
  selection: number[] | null;
  families: number[][];
  px(x: number): number;
  py(y: number): number;
}

export function drawMap(ctx: CanvasRenderingContext2D, s: MapScene): void {
  const { xy, order, flagged, selection, families, px, py } = s;
  ctx.clearRect(0, 0, s.width, s.height);
  const n = order.length;
  const chosen = new Set(selection ?? []);
  // Points as 4-px squares grouped by colour level (and fade), lowest scores first: one fill
  // style per group instead of per point (what a redraw would otherwise spend its time on).
  const buckets = Array.from({ length: 2 * LEVELS }, () => [] as number[]);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const level = Math.min(LEVELS - 1, Math.floor((1 - k / Math.max(1, n - 1)) * LEVELS));
    buckets[(selection && !chosen.has(i) ? 0 : LEVELS) + level].push(i);
  }
  buckets.forEach((rows, b) => {
    if (rows.length === 0) return;
    const [r, g, bl] = rampColour(0.25 + (0.75 * ((b % LEVELS) + 0.5)) / LEVELS);
    ctx.fillStyle = `rgb(${r | 0},${g | 0},${bl | 0})`;
    ctx.globalAlpha = b < LEVELS ? 0.2 : 0.85;
    for (const i of rows) ctx.fillRect(px(xy[2 * i]) - 2, py(xy[2 * i + 1]) - 2, 4, 4);
  });
  // Witness families: each member outlined in blue; a compact family also gets a dashed circle.
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#2f5fd0';
  ctx.lineWidth = 1.5;
  for (const fam of families) {
    const xs = fam.map((i) => px(xy[2 * i]));
    const ys = fam.map((i) => py(xy[2 * i + 1]));
    xs.forEach((x, j) => ctx.strokeRect(x - 3.5, ys[j] - 3.5, 7, 7));
    const cx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const cy = ys.reduce((a, b) => a + b, 0) / ys.length;
    const radius = Math.max(8, ...xs.map((x, j) => Math.hypot(x - cx, ys[j] - cy) + 6));
    if (radius > FAMILY_CIRCLE_PX) continue;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  // Flagged rings last, so a family's outline never hides a verdict.
  ctx.strokeStyle = '#c8372d';
  ctx.lineWidth = 1.5;
  for (let i = 0; i < n; i++) {
    if (flagged[i] !== 1) continue;
    ctx.beginPath();
    ctx.arc(px(xy[2 * i]), py(xy[2 * i + 1]), 4.5, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
