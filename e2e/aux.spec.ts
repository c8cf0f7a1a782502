/**
 * An auxiliary clean folder dropped into the app, trained on beside the suspect images
 * ("The suspect images and the auxiliary folder": core/foldData.ts trainingSet 'both'), the
 * choice kept across a reload, and the exported summary saying what the decoders trained on.
 */
import { expect, test } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_EPOCHS, PATCH, ROOT, waitForPhase } from './helpers';

const AUX = join(ROOT, 'fixtures', 'aux-images');
const MANIFEST = JSON.parse(readFileSync(join(PATCH, 'manifest.json'), 'utf8')) as { images: string[]; preprocess: { mean: number[]; std: number[] } };
const AUX_COUNT = readdirSync(AUX).filter((f) => f.endsWith('.png')).length;

test('trains the cross-fitted decoders on the suspect images and a dropped auxiliary folder', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Encoder').setInputFiles(join(PATCH, 'encoder.onnx'));
  await expect(page.getByText('Loaded encoder.onnx')).toBeVisible();
  await page.getByLabel('Images').setInputFiles(join(PATCH, 'images'));
  await expect(page.getByText(`${MANIFEST.images.length.toLocaleString('en-US')} images`)).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Mean').fill(MANIFEST.preprocess.mean.join(','));
  await page.getByLabel('Std').fill(MANIFEST.preprocess.std.join(','));

  const trainOn = page.getByLabel('Train the decoder on');
  // Without an auxiliary folder only the suspect images can be chosen.
  await expect(trainOn.locator('option[value="both"]')).toBeDisabled();
  await page.getByText('Optional: auxiliary folder, labels').click();
  await page.getByLabel('Auxiliary folder').setInputFiles(AUX);
  await expect(page.getByText(`${AUX_COUNT.toLocaleString('en-US')} images`)).toBeVisible({ timeout: 60_000 });
  // A dropped folder is used as the CLI's --aux is (DEFAULT_TRAIN_ON: the auxiliary folder alone).
  await expect(trainOn).toHaveValue('aux');
  // Epochs are planned as dede scan plans them: 12,000 samples over the rows an epoch trains.
  await expect(page.getByLabel('Epochs from the folder size')).toBeChecked();
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('24');
  await trainOn.selectOption('both');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('12');
  // Cross-fitting stays on (the folds and the stopping rule apply), unlike "auxiliary folder alone".
  await expect(page.getByLabel('Cross-fit folds')).toBeEnabled();
  await expect(page.getByLabel('Stop once the decoder is mature (power 0.85)')).toBeEnabled();
  await trainOn.selectOption('aux');
  await expect(page.getByLabel('Cross-fit folds')).toBeDisabled();
  await trainOn.selectOption('both');
  await page.getByLabel('Epochs', { exact: true }).fill(String(E2E_EPOCHS));
  await expect(page.getByLabel('Epochs from the folder size')).not.toBeChecked();
  await page.getByLabel('Stop once the decoder is mature (power 0.85)').uncheck();
  // The memory estimate counts the auxiliary images too.
  await expect(page.getByTestId('memory-estimate')).toContainText(`${(MANIFEST.images.length + AUX_COUNT).toLocaleString('en-US')} x 32 px`);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // On wasm ONNX Runtime Web trains both cross-fitted decoders on its wasm threads (both cores).
  await expect(page.getByText('Training the 2 cross-fitted decoders with ONNX Runtime Web (wasm, 2 threads)')).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('.backend-line[data-backend="wasm"]')).toContainText('decoder training on ONNX Runtime Web (wasm, 2 threads)');
  await waitForPhase(page, 'done');

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON summary' }).click()]);
  const summary = JSON.parse(readFileSync(await json.path(), 'utf8')) as {
    counts: { images: number; trainImages: number };
    settings: { train: { trainedOn: string; epochsTrained: number }; decoder: { decoders: number } };
  };
  expect(summary.counts.images).toBe(MANIFEST.images.length);
  expect(summary.counts.trainImages).toBe(MANIFEST.images.length + AUX_COUNT);
  expect(summary.settings.decoder.decoders).toBe(2);
  expect(summary.settings.train.trainedOn).toBe('both');
  expect(summary.settings.train.epochsTrained).toBe(E2E_EPOCHS);

  // The choice and both folders survive a reload.
  await page.reload();
  await expect(page.getByLabel('Train the decoder on')).toHaveValue('both', { timeout: 60_000 });
});
