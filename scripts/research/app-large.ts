/**
 * The app on a large folder (issue 8: "the app handles 20,000 images and shows a memory estimate
 * before a run"): the production build in Debian's Chromium, the patch fixture's encoder and N
 * Fashion-MNIST images (bench/large-folder.ts writes them: PREPARE_ONLY=1 npx tsx
 * bench/large-folder.ts N), dropped through the Images input like an analyst's folder, run at
 * the product defaults. Prints the memory estimate the app shows before the run, the time of
 * each phase as the page reports it, the number flagged, and the peak resident memory of all
 * Chromium processes together (summed VmRSS, polled each second: the browser, GPU, renderer and
 * utility processes; the page's workers are threads of its renderer) and the peak of the largest
 * process of each type, and the main thread's long tasks during the run (PerformanceObserver
 * 'longtask': tasks over 50 ms; count, longest, total, and the share of the run they blocked),
 * as JSON; also writes it to bench/app-<N>.json.
 *
 *   npm run build && node scripts/serve.mjs &
 *   PREPARE_ONLY=1 npx tsx bench/large-folder.ts 20000 && npx tsx scripts/research/app-large.ts 20000
 */
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const n = Number(process.argv[2] ?? 20000);
const base = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';
const folder = join(tmpdir(), `dede-large-${n}`);
const encoder = 'fixtures/patch/encoder.onnx';

/** Resident memory (kB) of every Chromium process, by its --type (browser, renderer, gpu-process, utility, ...). */
function chromiumRssKb(): Map<string, number> {
  const byType = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+(chromium|chrome)/m.test(status)) continue;
      const m = /VmRSS:\s+(\d+)/.exec(status);
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      if (m) byType.set(type, Math.max(byType.get(type) ?? 0, Number(m[1])));
    } catch {
      // the process has gone
    }
  }
  return byType;
}

let peakKb = 0;
const peakByType = new Map<string, number>();
const poll = setInterval(() => {
  const now = chromiumRssKb();
  peakKb = Math.max(peakKb, [...now.values()].reduce((a, b) => a + b, 0));
  for (const [t, kb] of now) peakByType.set(t, Math.max(peakByType.get(t) ?? 0, kb));
}, 1000);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
// Every main-thread task over 50 ms, from page load on (heavy work belongs in the worker).
await page.addInitScript(() => {
  const w = window as unknown as { __longTasks: { start: number; ms: number }[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // When the file input's change event reaches the page, and when the app's handlers are done
  // with it (the next task): splits a long task between the browser building the FileList and
  // the app's own work.
  const v = window as unknown as { __change: { at: number; handled: number }[] };
  v.__change = [];
  document.addEventListener(
    'change',
    () => {
      const rec = { at: performance.now(), handled: 0 };
      v.__change.push(rec);
      setTimeout(() => (rec.handled = performance.now()), 0);
    },
    true,
  );
});
const t0 = performance.now();
const at = () => Number(((performance.now() - t0) / 1000).toFixed(1));
const marks: Record<string, number> = {};
await page.goto(base);
await page.getByLabel('Encoder').setInputFiles(encoder);
await page.getByText('Loaded encoder.onnx').waitFor();
await page.getByLabel('Normalisation').selectOption('cifar10');
const pageNow = () => page.evaluate(() => performance.now());
const dropAt = await pageNow();
await page.getByLabel('Images').setInputFiles(folder);
const setAt = await pageNow();
await page.getByText(`${n.toLocaleString('en-US')} images`).first().waitFor({ timeout: 20 * 60_000 });
marks.dropped = at();
const listedAt = await pageNow();
if (process.env.STOP_BEFORE_RUN === '1') {
  const tasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; ms: number }[] }).__longTasks);
  const change = await page.evaluate(() => (window as unknown as { __change: unknown[] }).__change);
  console.log(JSON.stringify({ dropAt, setAt, listedAt, tasks, change }));
  await browser.close();
  process.exit(0);
}
const estimate = (await page.getByTestId('memory-estimate').innerText()).replace(/\s+/g, ' ');
const runStart = await page.evaluate(() => performance.now());
await page.getByRole('button', { name: 'Run', exact: true }).click();
const phaseOf = () => page.locator('[data-phase]').first().getAttribute('data-phase');
let last = '';
for (;;) {
  const p = (await phaseOf()) ?? '';
  if (p !== last) {
    marks[p] = at();
    last = p;
    console.error(`${at()} s: ${p}`);
  }
  if (p === 'done' || p === 'error') break;
  await page.waitForTimeout(1000);
}
const flagged = last === 'done' ? Number((await page.getByTestId('flagged-count').innerText()).replace(/[^\d]/g, '')) : null;
const error = last === 'error' ? await page.locator('[role="alert"]').first().innerText() : null;
const tasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; ms: number }[] }).__longTasks);
const runEnd = await page.evaluate(() => performance.now());
const during = tasks.filter((t) => t.start >= runStart);
const blocked = during.reduce((a, t) => a + t.ms, 0);
const mainThread = {
  longTasksDuringRun: during.length,
  longestMs: Math.round(Math.max(0, ...during.map((t) => t.ms))),
  blockedMs: Math.round(blocked),
  blockedShareOfRun: Number((blocked / Math.max(1, runEnd - runStart)).toFixed(4)),
  longTasksBeforeRun: tasks.length - during.length,
  longestBeforeRunMs: Math.round(Math.max(0, ...tasks.filter((t) => t.start < runStart).map((t) => t.ms))),
};
clearInterval(poll);
await browser.close();
const record = JSON.stringify({ images: n, encoder, date: new Date().toISOString(), memoryEstimate: estimate, secondsAt: marks, flagged, error, mainThread, peakChromiumRssMiB: Math.round(peakKb / 1024), peakRssMiBByProcessType: Object.fromEntries([...peakByType].map(([t, kb]) => [t, Math.round(kb / 1024)])) });
console.log(record);
writeFileSync(`bench/app-${n}.json`, record + '\n');
