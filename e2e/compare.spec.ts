/** Compare runs (issue 9): a kept run or a loaded scores.csv beside the current run, its overlap and its diff. */
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForPhase } from './helpers';

test('the current run compared with a kept run and with a loaded scores.csv: overlap, rank correlation and the files one run only flags', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await waitForPhase(page, 'done', 120_000);
  const flaggedAt = async () => Number((await page.getByTestId('flagged-count').innerText()).replace(/[^\d]/g, ''));
  const before = await flaggedAt();

  // This run's scores as the analyst exports them.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csvName = `dede-compare-${process.pid}.csv`;
  const csvPath = join(tmpdir(), csvName);
  await csv.saveAs(csvPath);

  const panel = page.getByTestId('compare-panel');
  await panel.getByRole('button', { name: 'Keep this run as the baseline' }).click();
  await expect(panel.locator('[data-metric="jaccard"]')).toHaveText('100.0%');
  await expect(panel.locator('[data-metric="spearman"]')).toHaveText('1.000');
  await expect(panel.getByText('Both runs flag the same files.')).toBeVisible();

  // A looser threshold: the extra files are listed as flagged by this run only.
  await page.getByLabel('False-alarm rate').fill('0.05');
  await expect.poll(flaggedAt).toBeGreaterThan(before);
  const after = await flaggedAt();
  await expect(panel.locator('[data-metric="flagged"]')).toHaveText(`${before} / ${after}`);
  await expect(panel.locator('[data-metric="both"]')).toHaveText(String(before));
  await expect(panel.getByText(`Flagged by one run only (${after - before} files)`)).toBeVisible();
  const rows = panel.locator('tbody tr');
  await expect(rows).toHaveCount(Math.min(100, after - before));
  await expect(rows.filter({ hasText: 'baseline' })).toHaveCount(0);

  // The exported CSV loaded as the baseline gives the same comparison.
  await panel.getByLabel('Baseline scores CSV').setInputFiles(csvPath);
  await expect(panel.getByText(`Baseline: ${csvName}`)).toBeVisible();
  await expect(panel.locator('[data-metric="matched"]')).toHaveText('1,000');
  await expect(panel.locator('[data-metric="flagged"]')).toHaveText(`${before} / ${after}`);
  await expect(panel.locator('[data-metric="spearman"]')).toHaveText('1.000');

  // A file that is not a scores CSV: a sentence saying what to load, the baseline kept.
  const junk = join(tmpdir(), `dede-compare-junk-${process.pid}.csv`);
  writeFileSync(junk, 'name,value\na,1\n');
  await panel.getByLabel('Baseline scores CSV').setInputFiles(junk);
  await expect(panel.getByRole('alert')).toContainText('Load a scores.csv exported by the app or written by dede scan --out');
  await expect(panel.getByText(`Baseline: ${csvName}`)).toBeVisible();

  // The baseline survives a reload (kept in localStorage).
  await page.reload();
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('dede-studio-baseline') ?? 'null')?.name)).toBe(csvName);
  expect(readFileSync(csvPath, 'utf8').split('\n')[0]).toMatch(/^file,score,flagged/);
});
