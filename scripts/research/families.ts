/**
 * How "near-identical" should a family's embeddings be? Families (density.ts, embeddingFamilies)
 * link flagged images whose embeddings have cosine >= a threshold. A fixed 0.95 means nothing on
 * an encoder whose clean embeddings are all close (ReLU + average pool: positive features). This
 * prints, for one fixture, the folder's nearest-neighbour cosine (1-NN) quantiles for clean and
 * poisoned images, and the largest family among the poisoned images and among as many random
 * clean ones, for a fixed threshold and for thresholds relative to the folder's median 1-NN
 * distance (1 - cos), and the engine's familyCosFor (sampled median, FAMILY_CLOSER = 2).
 *
 *   npx tsx scripts/research/families.ts <encoder> <images> <labels.csv>
 */
import { embeddingFamilies, familyCosFor, unitRows } from '../../src/core/density';
import { Rng } from '../../src/core/model/rng';
import { fixtureData } from './fixture-data';

const [encPath, root, labelsPath] = process.argv.slice(2);
const fx = await fixtureData(root, labelsPath, encPath);
const emb = fx.emb!;
const { count: n, dim: d } = emb;
const u = unitRows(emb);
const nn1 = new Float64Array(n);
for (let i = 0; i < n; i++) {
  let best = -2;
  for (let o = 0; o < n; o++) {
    if (o === i) continue;
    let s = 0;
    for (let j = 0; j < d; j++) s += u[i * d + j] * u[o * d + j];
    if (s > best) best = s;
  }
  nn1[i] = best;
}
const labels = fx.labels!;
const pos = [...labels.keys()].filter((i) => labels[i] === 1);
const neg = [...labels.keys()].filter((i) => labels[i] === 0);
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const dist = (rows: number[]) => rows.map((i) => 1 - nn1[i]);
const all = [...Array(n).keys()];
const med = q(dist(all), 0.5);
console.log(`${root}: median 1-NN distance (1 - cos) all ${med.toFixed(4)}; clean q10/50/90 ${[0.1, 0.5, 0.9].map((p) => q(dist(neg), p).toFixed(4)).join(' / ')}; poisoned ${[0.1, 0.5, 0.9].map((p) => q(dist(pos), p).toFixed(4)).join(' / ')}`);
const perm = Rng.derive(7).permutation(neg.length);
const cleanRows = Array.from(perm.subarray(0, pos.length), (j) => neg[j]);
const mixed = [...pos, ...cleanRows];
const rows: string[] = [];
for (const [name, cos] of [
  ['fixed 0.95', 0.95],
  ['fixed 0.98', 0.98],
  ['fixed 0.99', 0.99],
  ['1 - med/2', 1 - med / 2],
  ['1 - med/4', 1 - med / 4],
  ['1 - med/8', 1 - med / 8],
  ['familyCosFor', familyCosFor(emb)],
] as [string, number][]) {
  const fp = embeddingFamilies(emb, pos, cos);
  const fc = embeddingFamilies(emb, cleanRows, cos);
  const fm = embeddingFamilies(emb, mixed, cos);
  const big = fm[0] ?? [];
  const bigPos = big.filter((i) => labels[i] === 1).length;
  rows.push(`${name.padEnd(10)} cos ${cos.toFixed(4)}: poisoned largest ${fp[0]?.length ?? 0} (${fp.length} families), clean largest ${fc[0]?.length ?? 0} (${fc.length}), mixed largest ${big.length} (${bigPos} poisoned)`);
}
console.log(rows.join('\n'));
