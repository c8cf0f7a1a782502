/** "Try the demo": the bundled backdoored encoder and poisoned folder, to a detection. */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, E2E_EPOCHS, longTasks, observeLongTasks, pageNow, shot, waitForPhase, watchCspViolations, watchRequests } from './helpers';

const IMAGES = (JSON.parse(readFileSync(join(DEMO, 'manifest.json'), 'utf8')) as { images: string[] }).images.length;

test('the demo shows a detection within 60 s of the click (pre-trained decoders), then trains live on "Train again"', async ({ page, baseURL }) => {
  const requests = watchRequests(page, new URL(baseURL!).origin);
  await observeLongTasks(page);
  const cspViolations = await watchCspViolations(page);
  await page.goto('/');
  await expect(page.locator('[data-phase]')).toHaveAttribute('data-phase', 'idle');
  await shot(page, '01-idle');

  // A newcomer's click, at the product defaults: the demo ships decoders trained with them.
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await waitForPhase(page, 'done', 60_000);
  const seconds = (Date.now() - clicked) / 1000;
  console.log(`demo: a finished result ${seconds.toFixed(1)} s after the click`);
  expect(seconds).toBeLessThan(60);
  await expect(page.getByText("Scored with the demo's pre-trained decoders")).toBeVisible();
  // The demo bundles a clean folder of the same kind (public/demo/aux), and the decoder trains on it
  // as `dede scan --aux` does: one decoder, no suspect image trained on.
  await expect(page.getByLabel('Train the decoder on')).toHaveValue('aux');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('24');
  await expect(page.getByTestId('flagged-count')).toBeVisible();
  // Detected for the right reason. The demo is the DRUPE-style backdoor (public/demo): its trigger is
  // not a pixel outlier and its triggered embeddings are spread, so the near-duplicate witness must
  // not be what finds it. DeDe's own decoder (mature on the clean folder: held-out power 0.87) and
  // the look-alike witness (do the images the encoder calls similar look like this one?) give the
  // verdict together, and the rebuilds do not collapse onto one target.
  await expect(page.locator('[data-metric="AUROC"]')).toHaveText(/^0\.9[5-9]\d|^1\.000/, { timeout: 30_000 });
  const votes = page.getByTestId('witness-votes');
  await expect(votes.locator('[data-witness="dede"]')).toHaveAttribute('data-votes', 'true');
  await expect(votes.locator('[data-witness="lookalike"]')).toHaveAttribute('data-votes', 'true');
  await expect(votes.locator('[data-witness="density"]')).toHaveAttribute('data-votes', 'false');
  await expect(votes.locator('[data-witness="density"]')).toContainText('not voting');
  // The folder-level call: the demo's look-alike tail (7.8% above z(1%)) is beyond any clean folder's.
  await expect(page.getByTestId('folder-evidence')).toHaveAttribute('data-level', 'excess');
  await expect(page.getByTestId('folder-evidence')).toContainText('Backdoor evidence');
  await expect(page.locator('[data-metric="Rebuild collapse"]')).toContainText('no shared target', { timeout: 60_000 });
  await expect(page.locator('[data-zone="Images"]')).toContainText(`${IMAGES.toLocaleString('en-US')} images`);
  await page.getByRole('listbox', { name: 'Samples by score' }).scrollIntoViewIfNeeded();
  await shot(page, '05-results');

  // "Train again" forgets them and trains from scratch, live (shortened for the suite).
  await page.getByLabel('Epochs', { exact: true }).fill(String(E2E_EPOCHS));
  // Trained on the clean folder alone, there are no folds to measure the stopping rule on.
  await expect(page.getByLabel('Stop once the decoder is mature (power 0.85)')).toBeDisabled();
  await page.getByRole('button', { name: 'Train again' }).click();
  await waitForPhase(page, 'training', 120_000);
  const trainingFrom = await pageNow(page);
  // tfjs-wasm's scalar batched matMul is replaced by the engine's SIMD kernel (fastBatchMatMul.ts).
  await expect(page.locator('.backend-line[data-backend="wasm"]')).toContainText('SIMD batched-matMul kernel');
  await expect(page.getByLabel('Probe reconstructions')).toBeVisible({ timeout: 10 * 60_000 });
  await shot(page, '03-training');
  await waitForPhase(page, 'scoring');
  const trainingTo = await pageNow(page);
  await waitForPhase(page, 'done');

  // The main thread stays responsive while the worker trains.
  const slow = (await longTasks(page)).filter((t) => t.start >= trainingFrom && t.start <= trainingTo && t.duration > 200);
  expect(slow, `main-thread tasks over 200 ms during training: ${JSON.stringify(slow)}`).toEqual([]);
  await expect(page.locator('[data-metric="AUROC"]')).toHaveText(/^0\.\d{3}|^1\.000/);
  expect(requests.external, 'requests that left the origin').toEqual([]);
  // The whole flow (workers, wasm of tfjs and ONNX Runtime, images) runs under the CSP.
  expect(await cspViolations(), 'Content-Security-Policy violations').toEqual([]);
});
