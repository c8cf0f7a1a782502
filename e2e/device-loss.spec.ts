/**
 * A lost GPU device mid-training: the run moves to another backend from the last finished
 * epoch (here the first, as the loss comes early) and says so. The device is destroyed through the `?testing` hook (a real driver reset
 * cannot be caused from a test); Chromium's SwiftShader WebGPU adapter is chosen by hand.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATCH, shot, waitForPhase } from './helpers';

test('a lost WebGPU device falls back to wasm from the last checkpoint, with a notice', async ({ page }) => {
  const folder = join(mkdtempSync(join(tmpdir(), 'dede-gpu-')), 'small');
  mkdirSync(folder);
  readdirSync(join(PATCH, 'images'))
    .filter((f) => f.endsWith('.png'))
    .slice(0, 16)
    .forEach((f) => copyFileSync(join(PATCH, 'images', f), join(folder, f)));

  await page.goto('/?testing');
  await page.getByLabel('Encoder').setInputFiles(join(PATCH, 'encoder.onnx'));
  await page.getByLabel('Images').setInputFiles(folder);
  await expect(page.getByText('16 images')).toBeVisible();
  await page.getByLabel('Backend').selectOption('webgpu');
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Stop once the decoder is mature (power 0.85)').uncheck();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForPhase(page, 'training');
  await expect(page.locator('[data-backend]')).toHaveAttribute('data-backend', 'webgpu');
  // SwiftShader's WebGPU is slow: the device goes away as soon as training starts.
  const lost = await page.evaluate(() => (window as unknown as { dedeTesting: { loseDevice(): Promise<boolean> } }).dedeTesting.loseDevice());
  expect(lost).toBe(true);
  await expect(page.getByRole('status').filter({ hasText: 'device failed' })).toContainText(/continues on (wasm|webgl|cpu) from epoch [0-2]/, {
    timeout: 5 * 60_000,
  });
  await shot(page, '30-device-lost');
  await waitForPhase(page, 'done');
  await expect(page.locator('[data-backend]')).not.toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByText('2 epochs')).toBeVisible();
});
