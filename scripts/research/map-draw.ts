/**
 * Issue 9, "fluid at 20,000 points": the embedding map's drawing (src/ui/EmbeddingMap/draw.ts)
 * and its box selection (core's rowsInBox) timed in Debian's headless Chromium on N random
 * points, 5% flagged and one family of 200. Prints the median over 10 redraws.
 *
 *   npx tsx scripts/research/map-draw.ts [points=20000]
 */
import { build } from 'esbuild';
import { chromium } from '@playwright/test';

const n = Number(process.argv[2] ?? 20000);
const bundle = await build({
  stdin: {
    contents: `import { drawMap } from './src/ui/EmbeddingMap/draw'; import { rowsInBox } from './src/core/projection'; (globalThis as any).M = { drawMap, rowsInBox };`,
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  format: 'iife',
  write: false,
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.setContent('<canvas id="c" width="1380" height="340"></canvas>');
await page.addScriptTag({ content: bundle.outputFiles[0].text });
// tsx keeps function names with a __name helper inside the evaluated function: give the page one.
await page.addScriptTag({ content: 'window.__name = (f) => f;' });
const result = await page.evaluate((count) => {
  const M = (globalThis as unknown as { M: { drawMap: (...a: unknown[]) => void; rowsInBox: (...a: unknown[]) => number[] } }).M;
  const xy = new Float32Array(count * 2).map(() => Math.random() * 2 - 1);
  const order = Array.from({ length: count }, (_, i) => i);
  const flagged = new Uint8Array(count).map((_, i) => (i < count * 0.05 ? 1 : 0));
  const families = [order.slice(0, 200)];
  const ctx = (document.getElementById('c') as HTMLCanvasElement).getContext('2d')!;
  const scene = { width: 1380, height: 340, xy, order, flagged, selection: null as number[] | null, families, px: (x: number) => 690 + x * 680, py: (y: number) => 170 - y * 160 };
  const times: number[] = [];
  for (let r = 0; r < 10; r++) {
    const t = performance.now();
    M.drawMap(ctx, r % 2 ? { ...scene, selection: order.slice(0, count / 10) } : scene);
    ctx.getImageData(0, 0, 1, 1); // wait for the raster
    times.push(performance.now() - t);
  }
  const t = performance.now();
  const rows = M.rowsInBox(xy, -0.5, -0.5, 0.5, 0.5);
  const boxMs = performance.now() - t;
  times.sort((a, b) => a - b);
  return { points: count, drawMedianMs: Number(times[5].toFixed(1)), drawMaxMs: Number(times[9].toFixed(1)), boxSelectMs: Number(boxMs.toFixed(2)), selected: rows.length };
}, n);
console.log(JSON.stringify(result));
await browser.close();
