/**
 * Does the decoder show DeDe's mechanism, or only a pixel-outlier effect? Loads a decoder set
 * written by `dede scan --checkpoint`, rebuilds every image of the folder with the decoder that
 * scored it, and prints how much the rebuilds of the labelled-poisoned images spread compared
 * with the rebuilds of the clean ones (a backdoored encoder maps triggered images to one target
 * embedding, so their rebuilds collapse onto one image; a clean encoder's do not).
 *
 *   npx tsx scripts/research/collapse.ts <checkpoint> <encoder> <images> <labels.csv|none> [rebuilds.f32]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { decoderSetFromBytes } from '../../src/core/decoderSet';
import { groupSpread, labelledCollapse, rebuildAll } from '../../src/core/collapse';
import { fixtureData } from './fixture-data';

const [cpPath, encPath, root, labelsPath, dumpPath] = process.argv.slice(2);
const d = await fixtureData(root, labelsPath, encPath);
const set = decoderSetFromBytes(new Uint8Array(await readFile(cpPath)));
const labels = d.labels;
const data = { images: d.images, emb: d.emb! };
const len = d.images.size * d.images.size * 3;

/** Raw spreads of inputs and rebuilds for the rows labelled 1 and 0 (all rows rebuilt). */
async function rebuildStats() {
  const rebuilt = await rebuildAll(set, data, { maskRatio: 0.99, seed: 1 });
  const group = (v: number) => {
    const rows = labels.flatMap((l, i) => (l === v ? [i] : []));
    return { count: rows.length, input: groupSpread(d.images.data, len, rows), rebuild: groupSpread(rebuilt, len, rows) };
  };
  const poisoned = group(1);
  const clean = group(0);
  return { poisoned, clean, collapse: poisoned.rebuild / clean.rebuild, cleanKept: clean.rebuild / clean.input };
}
if (labelsPath !== 'none') {
  console.log(JSON.stringify(await rebuildStats()));
  console.log(JSON.stringify({ labelledCollapse: await labelledCollapse(set, data, labels, { maskRatio: 0.99, seed: 0 }) }));
}
if (dumpPath) {
  const r = await rebuildAll(set, data, { maskRatio: 0.99, seed: 1 });
  await writeFile(dumpPath, new Uint8Array(r.buffer));
  await writeFile(dumpPath + '.json', JSON.stringify(d.paths));
}
