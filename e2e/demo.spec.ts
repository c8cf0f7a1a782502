/** "Try the demo": the bundled backdoored encoder and poisoned folder, to a detection. */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, E2E_EPOCHS, longTasks, observeLongTasks, pageNow, shot, waitForPhase, watchCspViolations, watchRequests } from './helpers';

const IMAGES = (JSON.parse(readFileSync(join(DEMO, 'manifest.json'), 'utf8')) as { images: string[] }).images.length;

test('the demo loads, trains in the worker and shows a detection', async ({ page, baseURL }) => {
  const requests = watchRequests(page, new URL(baseURL!).origin);
  await observeLongTasks(page);
  const cspViolations = await watchCspViolations(page);
  await page.goto('/');
  await expect(page.locator('[data-phase]')).toHaveAttribute('data-phase', 'idle');
  await shot(page, '01-idle');

  // The demo keeps the product defaults; only the epoch count is shortened for the suite.
  await page.getByLabel('Epochs').fill(String(E2E_EPOCHS));
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await waitForPhase(page, 'embedding', 120_000);
  await shot(page, '02-embedding');

  await waitForPhase(page, 'training');
  const trainingFrom = await pageNow(page);
  await expect(page.getByLabel('Probe reconstructions')).toBeVisible({ timeout: 10 * 60_000 });
  await shot(page, '03-training');
  await waitForPhase(page, 'scoring');
  const trainingTo = await pageNow(page);
  await waitForPhase(page, 'done');

  // The main thread stays responsive while the worker trains.
  const slow = (await longTasks(page)).filter((t) => t.start >= trainingFrom && t.start <= trainingTo && t.duration > 200);
  expect(slow, `main-thread tasks over 200 ms during training: ${JSON.stringify(slow)}`).toEqual([]);

  await expect(page.getByTestId('flagged-count')).toBeVisible();
  await expect(page.locator('[data-metric="AUROC"]')).toHaveText(/^0\.\d{3}|^1\.000/);
  await expect(page.locator('[data-zone="Images"]')).toContainText(`${IMAGES.toLocaleString('en-US')} images`);
  await page.getByRole('listbox', { name: 'Samples by score' }).scrollIntoViewIfNeeded();
  await shot(page, '05-results');
  expect(requests.external, 'requests that left the origin').toEqual([]);
  // The whole flow (workers, wasm of tfjs and ONNX Runtime, images) runs under the CSP.
  expect(await cspViolations(), 'Content-Security-Policy violations').toEqual([]);
});
