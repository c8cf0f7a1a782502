/** Both encoder formats load from files: an ONNX file, and a TensorFlow.js model.json with its shard. */
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { PATCH, ROOT } from './helpers';

test('a TensorFlow.js layers model (model.json + shard) and an ONNX file show what was read', async ({ page }) => {
  await page.goto('/');
  const details = page.getByLabel('Model details');

  const tfjs = join(ROOT, 'fixtures', 'backdoor-tfjs');
  await page.getByLabel('Encoder').setInputFiles([join(tfjs, 'model.json'), join(tfjs, 'group1-shard1of1.bin')]);
  await expect(details).toContainText('TF.js layers model');
  await expect(details).toContainText('32 px (fixed by the model)');
  await expect(details).toContainText('NHWC (fixed by the model)');
  await expect(details).toContainText('128 values per image');
  await expect(page.getByLabel('Layout')).toHaveValue('nhwc');

  // A model.json whose shard is missing says which file to add.
  await page.getByLabel('Encoder').setInputFiles(join(tfjs, 'model.json'));
  await expect(page.locator('[data-zone="Encoder"]').getByRole('alert')).toContainText('group1-shard1of1.bin');

  await page.getByLabel('Encoder').setInputFiles(join(PATCH, 'encoder.onnx'));
  await expect(details).toContainText('ONNX');
  await expect(details).toContainText('NCHW (fixed by the model)');
  await expect(details).toContainText(/SHA-256\s*[0-9a-f]{64}/);
  await expect(page.getByLabel('Layout')).toHaveValue('nchw');
});
