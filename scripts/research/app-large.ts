/**
 * The app on a large folder (issue 8: "the app handles 20,000 images and shows a memory estimate
 * before a run"): the production build in Debian's Chromium, the patch fixture's encoder and N
 * Fashion-MNIST images (bench/large-folder.ts writes them: PREPARE_ONLY=1 npx tsx
 * bench/large-folder.ts N), dropped through the Images input like an analyst's folder, run at
 * the product defaults. Prints the memory estimate the app shows before the run, the time of
 * each phase as the page reports it, the number flagged, and the peak resident memory of all
 * Chromium processes together (summed VmRSS, polled each second: the browser, GPU, renderer and
 * utility processes; the page's workers are threads of its renderer) and the peak of the largest
 * process of each type, as JSON; also writes it to bench/app-<N>.json.
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
const t0 = performance.now();
const at = () => Number(((performance.now() - t0) / 1000).toFixed(1));
const marks: Record<string, number> = {};
await page.goto(base);
await page.getByLabel('Encoder').setInputFiles(encoder);
await page.getByText('Loaded encoder.onnx').waitFor();
await page.getByLabel('Normalisation').selectOption('cifar10');
await page.getByLabel('Images').setInputFiles(folder);
await page.getByText(`${n.toLocaleString('en-US')} images`).first().waitFor({ timeout: 20 * 60_000 });
marks.dropped = at();
const estimate = (await page.getByTestId('memory-estimate').innerText()).replace(/\s+/g, ' ');
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
clearInterval(poll);
await browser.close();
const record = JSON.stringify({ images: n, encoder, date: new Date().toISOString(), memoryEstimate: estimate, secondsAt: marks, flagged, error, peakChromiumRssMiB: Math.round(peakKb / 1024), peakRssMiBByProcessType: Object.fromEntries([...peakByType].map(([t, kb]) => [t, Math.round(kb / 1024)])) });
console.log(record);
writeFileSync(`bench/app-${n}.json`, record + '\n');
