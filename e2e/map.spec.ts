/** The embedding map (issue 9): a box drawn on it opens the selection in the gallery, which can be marked and exported. */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, shot, waitForPhase } from './helpers';

const MANIFEST = JSON.parse(readFileSync(join(DEMO, 'manifest.json'), 'utf8')) as { images: string[]; aux?: string[] };
const IMAGES = MANIFEST.images.length;

test('a box on the embedding map selects images into the gallery; they can be marked and exported', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await waitForPhase(page, 'done', 120_000);
  // The memory the run needs is shown before and after it (core/memory.ts), the demo's clean folder counted.
  await expect(page.getByTestId('memory-estimate')).toContainText(`for ${(IMAGES + (MANIFEST.aux?.length ?? 0)).toLocaleString('en-US')} x 32 px`);

  const map = page.getByRole('img', { name: 'Embedding map' });
  await map.scrollIntoViewIfNeeded();
  await expect(map).toHaveAttribute('data-points', String(IMAGES));
  const box = (await map.boundingBox())!;
  const drag = async (x0: number, y0: number, x1: number, y1: number) => {
    await page.mouse.move(box.x + x0, box.y + y0);
    await page.mouse.down();
    await page.mouse.move(box.x + (x0 + x1) / 2, box.y + (y0 + y1) / 2, { steps: 4 });
    await page.mouse.move(box.x + x1, box.y + y1, { steps: 4 });
    await page.mouse.up();
  };

  // The whole plot: every image.
  await drag(1, 1, box.width - 1, box.height - 1);
  await expect(page.getByRole('button', { name: `Map selection (${IMAGES})` })).toHaveAttribute('aria-pressed', 'true');

  // A small box around the top-scored image: a few images, that one first in the gallery.
  const [tx, ty] = (await map.getAttribute('data-top-point'))!.split(',').map(Number);
  await drag(tx - 12, ty - 12, tx + 12, ty + 12);
  const selected = page.getByTestId('map-selection');
  await expect(selected).toContainText('selected');
  const count = Number((await selected.locator('strong').innerText()).replace(/[^\d]/g, ''));
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(IMAGES);
  await expect(page.getByRole('button', { name: `Map selection (${count})` })).toHaveAttribute('aria-pressed', 'true');
  const gallery = page.getByRole('listbox', { name: 'Samples by score' });
  await expect(gallery.getByRole('option').first().locator('.sample-row__rank')).toHaveText('#1');
  await shot(page, '06-map-selection');

  // Exported: exactly the selection, the top-scored image among it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export selection (CSV)' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('file,score,flagged');
  expect(csv.length - 1).toBe(count);
  const topFile = await gallery.getByRole('option').first().getAttribute('data-file');
  expect(csv.some((l) => l.startsWith(`"${topFile}"`))).toBe(true);

  // The top image enlarged: the kept images its rebuild looks like (what the decoder reads from its embedding).
  await gallery.getByRole('option').first().dblclick();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Rebuild looks like').locator('figure')).toHaveCount(3);
  await shot(page, '07-lightbox');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Marked clean: every selected row becomes a manual clean verdict (and survives a reload, as overrides do).
  await page.getByRole('button', { name: 'Mark all clean' }).click();
  await expect(gallery.getByRole('option').first()).toContainText('clean (manual)');
  await expect(gallery.locator('.badge', { hasText: '(manual)' })).toHaveCount(Math.min(count, await gallery.getByRole('option').count()));

  // Clearing the selection returns the gallery to all images.
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await expect(page.getByRole('button', { name: `All (${IMAGES})` })).toHaveAttribute('aria-pressed', 'true');
});
