/**
 * Not DeDe: how far a decoder-free look at the embeddings gets. A backdoored encoder sends
 * every triggered image to (almost) one embedding, so triggered images have unusually close
 * neighbours. Score = cosine similarity to the k-th nearest other embedding (k = 20); prints its
 * AUROC against the labels (README, "What the demo shows").
 *
 *   npx tsx scripts/research/embedding-density.ts <encoder> <images> <labels.csv> [k]
 */
import { auroc } from '../../src/core/metrics';
import { fixtureData } from './fixture-data';

const [encPath, root, labelsPath, kArg = '20'] = process.argv.slice(2);
const k = Number(kArg);
const fx = await fixtureData(root, labelsPath, encPath);
const emb = fx.emb!;
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
console.log(JSON.stringify({ encoder: encPath, images: n, k, aurocKthNeighbourSimilarity: +auroc(scores, fx.labels).toFixed(4) }));
