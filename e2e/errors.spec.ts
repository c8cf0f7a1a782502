/** Bad inputs give clear messages, never a blank page; unreadable files are listed, not fatal. */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATCH, shot } from './helpers';

function pngsOf(n: number): string[] {
  return readdirSync(join(PATCH, 'images'))
    .filter((f) => f.endsWith('.png'))
    .slice(0, n);
}

test('a corrupt model and a folder with junk files give clear messages', async ({ page }) => {
  await page.goto('/');
  const encoderZone = page.locator('[data-zone="Encoder"]');
  const imagesZone = page.locator('[data-zone="Images"]');
  const garbage = Buffer.concat([Buffer.from([0x08, 0x07]), Buffer.alloc(4000, 0x5a)]);
  await page.getByLabel('Encoder').setInputFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: garbage });
  await expect(encoderZone.getByRole('alert')).toContainText('broken.onnx');
  await expect(encoderZone.getByRole('alert')).toContainText(/could not be loaded|not an ONNX model/);
  await page.getByLabel('Encoder').setInputFiles({ name: 'photo.onnx', mimeType: 'image/png', buffer: readFileSync(join(PATCH, 'images', pngsOf(1)[0])) });
  await expect(encoderZone.getByRole('alert')).toContainText('photo.onnx is not an ONNX model');

  const dir = mkdtempSync(join(tmpdir(), 'dede-junk-'));
  const folder = join(dir, 'mixed');
  mkdirSync(join(folder, 'deeper'), { recursive: true });
  pngsOf(12).forEach((f, i) => copyFileSync(join(PATCH, 'images', f), join(folder, i % 3 ? f : join('deeper', f))));
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  writeFileSync(join(folder, 'truncated.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  writeFileSync(join(folder, 'fake.jpg'), 'GIF89a not really');
  await page.getByLabel('Images').setInputFiles(folder);
  await expect(page.getByText('12 images')).toBeVisible();
  const skipped = imagesZone.getByRole('status').filter({ hasText: 'skipped' });
  await expect(skipped).toContainText('3 files skipped');
  await page.locator('.skipped').evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await expect(page.locator('.skipped')).toContainText('notes.txt');
  await expect(page.locator('.skipped')).toContainText('truncated.png');
  await expect(page.locator('.skipped')).toContainText('GIF is not supported');
  await shot(page, '20-bad-inputs');

  const junk = join(dir, 'junk');
  mkdirSync(junk);
  writeFileSync(join(junk, 'a.txt'), 'x');
  writeFileSync(join(junk, 'b.png'), 'not a png');
  await page.getByLabel('Images').setInputFiles(junk);
  await expect(imagesZone.getByRole('alert')).toContainText(/none of the 2 files.*usable image/i);
  await expect(page.locator('[data-phase]')).toHaveAttribute('data-phase', 'idle');
  await shot(page, '21-no-usable-images');
});

test('a dropped set of files is read like a picked folder', async ({ page }) => {
  await page.goto('/');
  const names = pngsOf(5);
  const files = names.map((n) => ({ name: n, b64: readFileSync(join(PATCH, 'images', n)).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: 'image/png' }));
    }
    return dt;
  }, files);
  const zone = page.locator('[data-zone="Images"]');
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('5 images')).toBeVisible();
});
