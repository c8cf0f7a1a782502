/**
 * The analyst's full flow with the fixture given as files: encoder and image folder through
 * the file inputs, labels CSV, run with pause / resume, threshold drag, CSV export.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auroc, AUROC_EPOCHS, PATCH, parseCsv, shot, waitForPhase, watchRequests } from './helpers';

const MANIFEST = JSON.parse(readFileSync(join(PATCH, 'manifest.json'), 'utf8')) as {
  images: string[];
  preprocess: { mean: number[]; std: number[] };
};
const LABELS = new Map(
  parseCsv(readFileSync(join(PATCH, 'labels.csv'), 'utf8'))
    .slice(1)
    .map(([file, poisoned]) => [file, poisoned === '1'] as const),
);

test('full flow: files in, train with pause/resume, threshold, export CSV with AUROC >= 0.9', async ({ page, baseURL }) => {
  const requests = watchRequests(page, new URL(baseURL!).origin);
  await page.goto('/');

  await page.getByLabel('Encoder').setInputFiles(join(PATCH, 'encoder.onnx'));
  await expect(page.getByText('Loaded encoder.onnx')).toBeVisible();
  await expect(page.getByLabel('Size (px)')).toHaveValue('32');
  await page.getByLabel('Images').setInputFiles(join(PATCH, 'images'));
  await expect(page.getByText(`${MANIFEST.images.length.toLocaleString('en-US')} images`)).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Labels CSV').setInputFiles(join(PATCH, 'labels.csv'));
  await page.getByLabel('Mean').fill(MANIFEST.preprocess.mean.join(','));
  await page.getByLabel('Std').fill(MANIFEST.preprocess.std.join(','));
  await expect(page.getByLabel('Normalisation')).toHaveValue('cifar10');
  await expect(page.getByLabel('Preview of the model input').getByRole('img').first()).toBeVisible();
  await page.getByLabel('Epochs', { exact: true }).fill(String(AUROC_EPOCHS));
  // One decoder on all images reaches the AUROC in the fewest epochs (cross-fitting halves each decoder's data).
  await page.getByLabel('Cross-fit folds').fill('1');
  await shot(page, '10-inputs-ready');

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForPhase(page, 'training');
  // Pause between steps: progress stops, the weights stay; resume continues.
  await expect(page.getByRole('progressbar')).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText('Paused', { exact: true })).toBeVisible({ timeout: 120_000 });
  const frozen = await page.getByRole('progressbar').getAttribute('aria-valuenow');
  await page.waitForTimeout(3000);
  expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe(frozen);
  await shot(page, '11-paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await waitForPhase(page, 'done');
  await shot(page, '12-done');
  // Each sample shows its own rebuild beside its best counterfactual rebuild.
  await expect(page.getByLabel("Best rebuild from another image's embedding").first()).toBeVisible({ timeout: 60_000 });

  // With labels the worker measures whether the detection comes from a backdoor target:
  // the triggered images' rebuilds collapse onto one image (core/collapse.ts).
  const collapse = page.locator('[data-metric="Rebuild collapse"]');
  await expect(collapse).toHaveText(/^\d\.\d{3} \(/, { timeout: 60_000 });
  console.log(`rebuild collapse shown by the app: ${await collapse.innerText()}`);
  await expect(collapse).toContainText('backdoor target');

  // Dragging the threshold line changes the live counts.
  const count = page.getByTestId('flagged-count');
  const before = Number((await count.innerText()).replace(/,/g, ''));
  const line = page.getByRole('slider', { name: 'Threshold' });
  const box = (await line.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x - 120, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => Number((await count.innerText()).replace(/,/g, ''))).toBeGreaterThan(before);
  await page.getByLabel('Rule').selectOption('youden');
  await shot(page, '13-threshold');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('scores.csv');
  const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
  // The CLI's columns, the app's override, then the witnesses (core's witnessColumns).
  expect(rows[0]).toEqual(['file', 'score', 'flagged', 'override', 'flagged_by', 'dede_raw', 'dede', 'density', 'lookalike', 'dede_best_donor']);
  const body = rows.slice(1);
  expect(body).toHaveLength(MANIFEST.images.length);
  const scores = body.map((r) => Number(r[1]));
  expect(scores.every(Number.isFinite)).toBe(true);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  const pos = body.filter((r) => LABELS.get(r[0]) === true).map((r) => Number(r[1]));
  const neg = body.filter((r) => LABELS.get(r[0]) === false).map((r) => Number(r[1]));
  expect(pos.length + neg.length).toBe(MANIFEST.images.length);
  const value = auroc(pos, neg);
  console.log(`exported scores.csv: AUROC ${value.toFixed(4)} over ${pos.length} poisoned / ${neg.length} clean`);
  expect(value).toBeGreaterThanOrEqual(0.9);

  // The JSON summary carries the same metrics and rebuild collapse the panel shows.
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON summary' }).click()]);
  expect(json.suggestedFilename()).toBe('summary.json');
  const summary = JSON.parse(readFileSync(await json.path(), 'utf8')) as {
    counts: { images: number };
    rule: string;
    metrics: { auroc: number };
    rebuildCollapse: number | null;
    verdict: { witnesses: { name: string; auroc: number | null }[]; rawAuroc: number | null };
  };
  expect(summary.counts.images).toBe(MANIFEST.images.length);
  expect(summary.rule).toBe('youden');
  expect(summary.metrics.auroc).toBeGreaterThanOrEqual(0.9);
  expect(summary.rebuildCollapse).not.toBeNull();
  expect(summary.verdict.witnesses.map((w) => w.name)).toEqual(['dede', 'density', 'lookalike']);
  console.log(`app witnesses: ${JSON.stringify(summary.verdict.witnesses)}, raw DeDe AUROC ${summary.verdict.rawAuroc}`);
  expect((await collapse.innerText()).startsWith(summary.rebuildCollapse!.toFixed(3))).toBe(true);

  // The report: one HTML file that opens offline, with no request at all, and lists the flagged files.
  const [report] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Download report (HTML)' }).click()]);
  expect(report.suggestedFilename()).toBe('dede-report.html');
  // Saved under its own name: a file without the .html extension opens as plain text.
  const reportFile = test.info().outputPath('dede-report.html');
  await report.saveAs(reportFile);
  const html = readFileSync(reportFile, 'utf8');
  expect(html).not.toMatch(/https?:/i);
  const flaggedFiles = body.filter((r) => r[2] === '1' || r[2] === 'true').map((r) => r[0]);
  const offline = await page.context().browser()!.newContext({ offline: true, javaScriptEnabled: false });
  const viewer = await offline.newPage();
  const fetched: string[] = [];
  viewer.on('request', (r) => {
    if (!r.url().startsWith('data:') && !r.url().startsWith('file:')) fetched.push(r.url());
  });
  await viewer.goto(pathToFileURL(reportFile).href);
  await expect(viewer.getByRole('heading', { name: 'DeDe scan report' })).toBeVisible();
  await expect(viewer.getByRole('heading', { name: `Flagged images (${flaggedFiles.length})` })).toBeVisible();
  const listed = await viewer.locator('ol.flagged li').allInnerTexts();
  expect(listed.map((t) => t.split(' ')[0]).sort()).toEqual([...flaggedFiles].sort());
  await expect(viewer.getByRole('heading', { name: 'Trigger hint' })).toBeVisible();
  // Every picture decoded from its data URL.
  const broken = await viewer.locator('img').evaluateAll((imgs) => imgs.filter((i) => !(i as HTMLImageElement).complete || (i as HTMLImageElement).naturalWidth === 0).length);
  expect(broken).toBe(0);
  expect(await viewer.locator('img').count()).toBeGreaterThan(40);
  await viewer.screenshot({ path: 'test-results/report.png', fullPage: false });
  expect(fetched).toEqual([]);
  await offline.close();

  // Labels as they come: "Review next" opens the unlabelled sample nearest the threshold, and a
  // verdict given there counts as a label in the estimates.
  const threshold = (summary as unknown as { threshold: number }).threshold;
  const distance = new Map(body.map((r) => [r[0], Math.abs(Number(r[1]) - threshold)]));
  const nearest = Math.min(...distance.values());
  const panel = page.getByTestId('labels-panel');
  await panel.getByRole('button', { name: /^Review next/ }).click();
  const first = await page.locator('.lightbox__file').innerText();
  expect(distance.get(first)! - nearest).toBeLessThan(1e-3);
  await page.getByRole('group', { name: 'Verdict', exact: true }).getByRole('button', { name: 'Poisoned' }).click();
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('labels-count')).toHaveText('1 labelled by hand (1 poisoned, 0 clean).');
  await panel.getByRole('button', { name: /^Review next/ }).click();
  const second = await page.locator('.lightbox__file').innerText();
  expect(second).not.toBe(first);
  expect(distance.get(second)!).toBeGreaterThanOrEqual(distance.get(first)! - 1e-3);
  await page.getByRole('group', { name: 'Verdict', exact: true }).getByRole('button', { name: 'Clean' }).click();
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('labels-count')).toHaveText('2 labelled by hand (1 poisoned, 1 clean).');
  await expect(page.getByTestId('labels-estimate')).toContainText('precision');
  await shot(page, '14-labels');
  expect(requests.external, 'requests that left the origin').toEqual([]);
});
