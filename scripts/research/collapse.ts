/**
 * Does the decoder show DeDe's mechanism, or only a pixel-outlier effect? Loads a decoder set
 * written by `dede scan --checkpoint`, rebuilds every image of the folder with the decoder that
 * scored it, and prints how much the rebuilds of the labelled-poisoned images spread compared
 * with the rebuilds of the clean ones (a backdoored encoder maps triggered images to one target
 * embedding, so their rebuilds collapse onto one image; a clean encoder's do not).
 *
 *   npx tsx scripts/research/collapse.ts <checkpoint> <encoder> <images> <labels.csv|none> [rebuilds.f32]
 */
import { readFile } from 'node:fs/promises';
import { setupNodeBackend } from '../../src/cli/backend';
import { readFolder, readEncoderFiles } from '../../src/cli/files';
import { loadEncoder } from '../../src/core/encoder';
import { embedAll, loadImages } from '../../src/core/pipeline';
import { MemoryEmbeddingStore } from '../../src/core/embedCache';
import { parseLabels } from '../../src/core/csv';
import { NORM_PRESETS, type PreprocessOptions } from '../../src/core/options';
import { decoderSetFromBytes } from '../../src/core/decoderSet';
import { labelledCollapse, rebuildAll, rebuildStats } from '../../src/core/collapse';
import { writeFile } from 'node:fs/promises';

const [cpPath, encPath, root, labelsPath, dumpPath] = process.argv.slice(2);
const pre: PreprocessOptions = { size: 32, layout: 'nchw', mean: NORM_PRESETS.cifar10.mean, std: NORM_PRESETS.cifar10.std, background: [255, 255, 255], pooling: 'mean' };
await setupNodeBackend();
const { files } = await readFolder(root, '--images');
const loaded = await loadImages(files, pre);
const encoder = await loadEncoder(await readEncoderFiles(encPath));
const emb = await embedAll(encoder, loaded.batch, loaded.imageShas, pre, new MemoryEmbeddingStore());
const set = decoderSetFromBytes(new Uint8Array(await readFile(cpPath)));
const lab = labelsPath === 'none' ? new Map<string, number>() : parseLabels(await readFile(labelsPath, 'utf8'));
const labels = loaded.paths.map((p) => lab.get(p) ?? 0);
const data = { images: loaded.batch, emb };
if (labelsPath !== 'none') {
  console.log(JSON.stringify(await rebuildStats(set, data, labels)));
  console.log(JSON.stringify({ labelledCollapse: await labelledCollapse(set, data, labels, { maskRatio: 0.99, seed: 0 }) }));
}
if (dumpPath) {
  const r = await rebuildAll(set, { images: loaded.batch, emb }, { maskRatio: 0.99, seed: 1 });
  await writeFile(dumpPath, new Uint8Array(r.buffer));
  await writeFile(dumpPath + '.json', JSON.stringify(loaded.paths));
}
