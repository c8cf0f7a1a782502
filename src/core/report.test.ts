import { describe, expect, it } from 'vitest';
import { base64 } from './base64';
import { esc, renderReport, type ReportInput } from './report';
import type { ScanSummary } from './summary';

describe('report helpers', () => {
  it('base64 matches Node for every tail length', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 256]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
  it('escapes markup and breaks up link schemes in file-derived text', () => {
    expect(esc('<img src=x onerror="a">&\'')).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;');
    expect(esc('http://evil/x https://e')).not.toMatch(/https?:/);
  });
});

describe('renderReport', () => {
  const size = 4;
  const sample = (row: number) => ({
    row,
    input: new Float32Array(size * size * 3).fill(0.5),
    own: new Float32Array(size * size * 3).fill(0.2),
    donor: { row: 0, recon: new Float32Array(size * size * 3).fill(0.4) },
    error: new Float32Array(size * size).fill(0.09),
    nearest: [0],
  });
  const summary = {
    counts: { images: 3, flagged: 2, clean: 1, skipped: 0, trainImages: 3, auxSkipped: 0 },
    rule: 'tail:0.005',
    threshold: 2.5758,
    backend: 'tfjs-wasm',
    timings: { total: 1 },
    settings: { encoder: { format: 'onnx', sha256: 'ab'.repeat(32), input: 'input', inputShape: [-1, 3, 4, 4], output: 'embedding', embDim: 8 }, preprocess: {}, decoder: {}, train: {}, score: {} },
    power: { auroc: 0.8, slice: 3, heldOut: false, warning: null },
    metrics: null,
    verdict: { score: 'max calibrated z over the witnesses', expectedFalseAlarms: 0.03, rawAuroc: null, witnesses: [{ name: 'dede', label: 'DeDe', flagged: 2, fit: { median: 0, sigma: 1 }, auroc: null, tprAt5Fpr: null }], families: [] },
    skipped: [],
  } as unknown as ScanSummary;
  const input: ReportInput = {
    summary,
    paths: ['a.png', '<script>alert(1)</script>.png', 'http://x/c.png'],
    scores: [3, 5, 0.1],
    flagged: [true, true, false],
    evidence: {
      hint: {
        size,
        flaggedCount: 2,
        keptCount: 1,
        flaggedError: new Float32Array(16).fill(0.5),
        keptError: new Float32Array(16).fill(0.1),
        errorContrast: new Float32Array(16).fill(0.4),
        meanDiff: new Float32Array(48).fill(0.1),
        hotspot: { x: 0, y: 0, size: 4 },
      },
      samples: [sample(1), sample(0), sample(2)],
      lowCount: 1,
      images: { rows: [0], data: new Float32Array(48).fill(0.3) },
    },
    norm: { mean: [0, 0, 0], std: [1, 1, 1] },
    title: 'enc.onnx on imgs',
    createdAt: '2026-12-02T00:00:00Z',
    tool: 'dede test',
  };

  it('is one self-contained page: no network reference, no raw markup from file names, every flagged file listed', () => {
    const html = renderReport(input);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toContain('<script>');
    expect(html).toContain('<strong>2</strong> of 3 images flagged');
    expect(html).toContain('Flagged images (2)');
    // Highest score first in the flagged list; the kept image is not listed there.
    const list = html.slice(html.indexOf('<ol class="flagged">'));
    expect(list.indexOf('&lt;script&gt;')).toBeLessThan(list.indexOf('a.png'));
    expect(list.slice(0, list.indexOf('</ol>'))).not.toContain('c.png');
    // Trigger hint (4 maps) + 3 samples x 4 tiles + 3 neighbour tiles: all PNG data URLs.
    expect(html.match(/<img src="data:image\/png;base64,/g)?.length).toBe(4 + 12 + 3);
    expect(html).toContain('Lowest-scored images, for contrast');
  });
});
