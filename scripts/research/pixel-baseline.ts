/**
 * A detector that knows nothing of the encoder: score = squared distance of the image to the
 * folder's per-pixel median image (normalised space, the encoder's preprocessing). If it ranks
 * the poisoned images as well as DeDe does, the folder's trigger is a pixel outlier and the
 * AUROC alone does not show the backdoor was found (README, "What the demo shows").
 *
 *   npx tsx scripts/research/pixel-baseline.ts [images] [labels.csv]
 */
import { auroc } from '../../src/core/metrics';
import { fixtureData } from './fixture-data';

const [root = 'fixtures/patch/images', labelsPath = 'fixtures/patch/labels.csv'] = process.argv.slice(2);
const { images: batch, labels } = await fixtureData(root, labelsPath);
const len = batch.size * batch.size * 3;
const median = new Float32Array(len);
const column = new Float32Array(batch.count);
for (let j = 0; j < len; j++) {
  for (let i = 0; i < batch.count; i++) column[i] = batch.data[i * len + j];
  column.sort();
  median[j] = column[batch.count >> 1];
}
const scores = Array.from({ length: batch.count }, (_, i) => {
  let s = 0;
  for (let j = 0; j < len; j++) s += (batch.data[i * len + j] - median[j]) ** 2;
  return s;
});
console.log(JSON.stringify({ images: batch.count, poisoned: labels.filter((l) => l === 1).length, aurocDistanceToMedianImage: +auroc(scores, labels).toFixed(4) }));
