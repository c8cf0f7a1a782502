/**
 * The DRUPE-style fixture (scripts/fixtures/make_drupe_fixture.py) exists to be a backdoor no
 * shortcut finds: its trigger is not a pixel outlier and its triggered embeddings are spread
 * over the target class instead of piling onto one point. This test holds the fixture to that
 * (cheaply: embeddings only, no decoder), so that a DeDe figure on it means DeDe carried it.
 * The full scans on it are README figures (too long for CI beside the five detection scans).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupNodeBackend } from '../src/cli/backend';
import { readEncoderFiles, readFolder } from '../src/cli/files';
import { parseLabels } from '../src/core/csv';
import { neighbourSimilarity } from '../src/core/density';
import { MemoryEmbeddingStore } from '../src/core/embedCache';
import { loadEncoder } from '../src/core/encoder';
import { auroc } from '../src/core/metrics';
import { NORM_PRESETS, DEFAULT_PREPROCESS } from '../src/core/options';
import { embedAll, loadImages } from '../src/core/pipeline';
import { ROOT } from './helpers/cli';

const DIR = path.join(ROOT, 'public', 'demo'); // the DRUPE-style fixture is the app's demo
const have = existsSync(path.join(DIR, 'encoder.onnx'));
const pre = { ...DEFAULT_PREPROCESS, mean: NORM_PRESETS.cifar10.mean, std: NORM_PRESETS.cifar10.std };

describe.runIf(have)('the DRUPE-style fixture defeats the shortcuts', () => {
  let labels: number[] = [];
  let sims: Float32Array;
  let pixel: number[] = [];
  beforeAll(async () => {
    await setupNodeBackend();
    const { files } = await readFolder(path.join(DIR, 'images'), '--images');
    const loaded = await loadImages(files, pre);
    const lab = parseLabels(readFileSync(path.join(DIR, 'labels.csv'), 'utf8'));
    labels = loaded.paths.map((p) => lab.get(p) ?? 0);
    const encoder = await loadEncoder(await readEncoderFiles(path.join(DIR, 'encoder.onnx')));
    const emb = await embedAll(encoder, loaded.batch, loaded.imageShas, pre, new MemoryEmbeddingStore());
    await encoder.dispose();
    sims = await neighbourSimilarity(emb);
    // Squared distance to the folder's median image: the pixel-outlier baseline.
    const { count, size, data } = loaded.batch;
    const len = size * size * 3;
    const median = new Float32Array(len);
    const column = new Float32Array(count);
    for (let j = 0; j < len; j++) {
      for (let i = 0; i < count; i++) column[i] = data[i * len + j];
      median[j] = column.sort()[count >> 1];
    }
    pixel = Array.from({ length: count }, (_, i) => {
      let s = 0;
      for (let j = 0; j < len; j++) s += (data[i * len + j] - median[j]) ** 2;
      return s;
    });
  }, 120_000);

  it('is not found by the neighbourhood witness (AUROC < 0.75) nor by a pixel baseline (< 0.9)', () => {
    expect(labels.filter((l) => l === 1)).toHaveLength(100);
    const density = auroc(sims, labels);
    const pix = auroc(pixel, labels);
    console.log(`drupe fixture: neighbourhood AUROC ${density.toFixed(3)}, pixel baseline ${pix.toFixed(3)}`);
    expect(density).toBeLessThan(0.75);
    expect(pix).toBeLessThan(0.9);
  });
});
