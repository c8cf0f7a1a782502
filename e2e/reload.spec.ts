/** A reload in the middle of training loses nothing: inputs come back and Run continues the decoder. */
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATCH, shot, waitForPhase } from './helpers';

test('reload during training restores the inputs and continues from the last epoch', async ({ page }) => {
  const folder = join(mkdtempSync(join(tmpdir(), 'dede-reload-')), 'small');
  mkdirSync(folder);
  readdirSync(join(PATCH, 'images'))
    .filter((f) => f.endsWith('.png'))
    .slice(0, 48)
    .forEach((f) => copyFileSync(join(PATCH, 'images', f), join(folder, f)));

  await page.goto('/');
  await page.getByLabel('Encoder').setInputFiles(join(PATCH, 'encoder.onnx'));
  await page.getByLabel('Images').setInputFiles(folder);
  await expect(page.getByText('48 images')).toBeVisible();
  await page.getByLabel('Batch').fill('16');
  await page.getByLabel('Epochs', { exact: true }).fill('4');
  // Exactly 4 epochs: the stopping rule, on by default, could end training earlier.
  await page.getByLabel('Stop once the decoder is mature (power 0.85)').uncheck();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForPhase(page, 'training');
  // Once epoch 2 is under way, epoch 1 is checkpointed.
  await expect(page.locator('.progress')).toContainText(/epoch [2-4] of 4/, { timeout: 5 * 60_000 });
  await page.reload();

  await expect(page.getByRole('status').filter({ hasText: 'Restored the run interrupted at epoch' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('48 images')).toBeVisible();
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('4');
  await expect(page.getByLabel('Stop once the decoder is mature (power 0.85)')).not.toBeChecked();
  await shot(page, '40-restored');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /Continuing the decoder saved at epoch [1-4]/ })).toBeVisible();
  await waitForPhase(page, 'done');
  await expect(page.getByText('4 epochs')).toBeVisible();
});
