/**
 * Not DeDe: how far a decoder-free look at the embeddings gets. A backdoored encoder sends
 * every triggered image to (almost) one embedding, so triggered images have unusually close
 * neighbours. Score = cosine similarity to the k-th nearest other embedding (k = 20); prints its
 * AUROC against the labels (README, "What the demo shows").
 *
 *   npx tsx scripts/research/embedding-density.ts <encoder> <images> <labels.csv> [k]
 */
import { readFile } from 'node:fs/promises';
import { setupNodeBackend } from '../../src/cli/backend';
import { readFolder, readEncoderFiles } from '../../src/cli/files';
import { loadEncoder } from '../../src/core/encoder';
import { embedAll, loadImages } from '../../src/core/pipeline';
import { MemoryEmbeddingStore } from '../../src/core/embedCache';
import { parseLabels } from '../../src/core/csv';
import { auroc } from '../../src/core/metrics';
import { NORM_PRESETS, type PreprocessOptions } from '../../src/core/options';

const [encPath, root, labelsPath, kArg = '20'] = process.argv.slice(2);
const k = Number(kArg);
const pre: PreprocessOptions = { size: 32, layout: 'nchw', mean: NORM_PRESETS.cifar10.mean, std: NORM_PRESETS.cifar10.std, background: [255, 255, 255], pooling: 'mean' };
await setupNodeBackend();
const { files } = await readFolder(root, '--images');
const loaded = await loadImages(files, pre);
const encoder = await loadEncoder(await readEncoderFiles(encPath));
const emb = await embedAll(encoder, loaded.batch, loaded.imageShas, pre, new MemoryEmbeddingStore());
const { count: n, dim: d, data } = emb;
const unit = new Float64Array(n * d);
for (let i = 0; i < n; i++) {
  let s = 0;
  for (let j = 0; j < d; j++) s += data[i * d + j] ** 2;
  const inv = 1 / Math.sqrt(s || 1);
  for (let j = 0; j < d; j++) unit[i * d + j] = data[i * d + j] * inv;
}
const scores = new Float64Array(n);
const sims = new Float64Array(n - 1);
for (let i = 0; i < n; i++) {
  let m = 0;
  for (let o = 0; o < n; o++) {
    if (o === i) continue;
    let s = 0;
    for (let j = 0; j < d; j++) s += unit[i * d + j] * unit[o * d + j];
    sims[m++] = s;
  }
  sims.sort();
  scores[i] = sims[n - 1 - k];
}
const lab = parseLabels(await readFile(labelsPath, 'utf8'));
const labels = loaded.paths.map((p) => lab.get(p) ?? 0);
console.log(JSON.stringify({ encoder: encPath, images: n, k, aurocKthNeighbourSimilarity: +auroc(scores, labels).toFixed(4) }));
