/**
 * A 224-px encoder end to end: a ResNet-18-layout network exported with torch.onnx.export with a
 * dynamic batch and two outputs, feature map first (scripts/fixtures/make_r224_fixture.py),
 * carrying the patch fixture's backdoor (the demo until stop 18) by distillation. The decoder rebuilds at 32 px; the model's
 * [batch, D] output is chosen by default and another can be named.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runDede, tempDir } from './helpers/cli';

const FIX = path.join(ROOT, 'fixtures', 'r224');
const base = ['scan', '--encoder', path.join(FIX, 'encoder.onnx'), '--images', path.join(FIX, 'images'), '--norm', 'cifar10', '--no-cache'];

describe('224-px encoder (fixtures/r224)', () => {
  it('scans end to end: embedding output by default, 32-px rebuilds, the backdoor found, its trigger hinted', async () => {
    const dir = tempDir();
    const json = path.join(dir, 'summary.json');
    const run = await runDede([...base, '--labels', path.join(FIX, 'labels.csv'), '--out', path.join(dir, 's.csv'), '--json', json, '--report', path.join(dir, 'r.html')], { timeoutMs: 600_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/output embedding \(of feature_map, embedding\), size 224 px \(from the model\), decoder rebuilds 32 px/);
    const s = JSON.parse(readFileSync(json, 'utf8'));
    expect(s.counts.images).toBe(120);
    expect(s.settings.encoder.output).toBe('embedding');
    expect(s.settings.encoder.inputShape).toEqual([-1, 3, 224, 224]);
    expect(s.settings.decoder.rebuildSize).toBe(32);
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.9);
    expect(s.rebuildCollapse).toBeLessThan(0.5);
    // The 70x70 patch at rows/cols 147-216 of 224 is rows/cols 21-30 of the 32-px rebuild.
    const h = s.triggerHint.hotspot;
    expect(h.x >= 21 && h.x <= 30 && h.y >= 21 && h.y <= 30, JSON.stringify(s.triggerHint)).toBe(true);
    expect(readFileSync(path.join(dir, 'r.html'), 'utf8')).not.toMatch(/https?:/i);
  }, 600_000);

  it('embeds another output when named, and lists the outputs when the name is wrong', async () => {
    const dir = tempDir();
    const wrong = await runDede([...base, '--output', 'pooler_output', '--out', path.join(dir, 's.csv')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/has no output named "pooler_output"; its outputs are "feature_map" \[\?, 128, 7, 7\], "embedding" \[\?, 128\]: pass one of those names with --output/);
    const json = path.join(dir, 'summary.json');
    const fm = await runDede([...base, '--output', 'feature_map', '--epochs', '1', '--out', path.join(dir, 's.csv'), '--json', json], { timeoutMs: 300_000 });
    expect(fm.code, fm.stderr).toBe(0);
    const s = JSON.parse(readFileSync(json, 'utf8'));
    expect(s.settings.encoder.output).toBe('feature_map');
    // [B, 128, 7, 7] mean-pooled over the 7x7 positions (NCHW feature axis 1).
    expect(s.settings.encoder.embDim).toBe(128);
  }, 300_000);
});
