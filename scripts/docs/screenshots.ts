// README screenshots (docs/*.png) from the production build, the way an analyst sees them:
// "Try the demo" (pre-trained decoders, product defaults), the results with the embedding map,
// and the HTML report downloaded from the app, opened offline.
//   npm run build && node scripts/serve.mjs &   then   npx tsx scripts/docs/screenshots.ts
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';
mkdirSync('docs', { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
const page = await context.newPage();
await page.goto(base);
await page.getByRole('button', { name: 'Try the demo' }).click();
await page.locator('[data-phase="done"]').waitFor({ timeout: 120_000 });
await page.locator('[data-metric="Rebuild collapse"]').filter({ hasText: 'target' }).waitFor({ timeout: 60_000 });
await page.locator('#results-title').scrollIntoViewIfNeeded();
const results = page.locator('section.results-view');
await results.screenshot({ path: 'docs/results.png' });
const map = page.locator('section', { has: page.locator('#map-title') });
await map.screenshot({ path: 'docs/map.png' });
const gallery = page.locator('section', { has: page.locator('#gallery-title') });
await gallery.screenshot({ path: 'docs/gallery.png' });

const [report] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Download report (HTML)' }).click()]);
const file = join(tmpdir(), 'dede-docs-report.html');
await report.saveAs(file);
const viewer = await context.newPage();
await viewer.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
await viewer.goto(`file://${file}`);
// The top of the report: summary, settings, histogram, witnesses, trigger hint, the first flagged rebuilds.
await viewer.screenshot({ path: 'docs/report.png', fullPage: true, clip: { x: 160, y: 0, width: 1120, height: 2300 } });
await browser.close();
console.log('wrote docs/results.png, docs/map.png, docs/gallery.png, docs/report.png');
