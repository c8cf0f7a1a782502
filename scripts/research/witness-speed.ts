/**
 * Times the decoder-free witnesses (density.ts neighbourSimilarity, lookalike.ts lookalikeScores)
 * on the patch fixture's 1,000 images and on a 20,000-row folder made from them (each row a
 * fixture image with its embedding jittered, so both witnesses search a seeded reference
 * sample as on a large folder), and writes every score to compare two versions of the code.
 *
 *   npx tsx scripts/research/witness-speed.ts /tmp/before.json
 *   npx tsx scripts/research/witness-speed.ts /tmp/after.json /tmp/before.json   # also compares
 *   DEDE_ENGINE=ort npx tsx scripts/research/witness-speed.ts ...   # products on onnxruntime-node, 2 threads
 *   DEDE_ENGINE=web npx tsx scripts/research/witness-speed.ts ...   # on onnxruntime-web's wasm (the app's)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fixtureData } from './fixture-data';
import { neighbourSimilarity, DEFAULT_DENSITY } from '../../src/core/density';
import { lookalikeScores, DEFAULT_LOOKALIKE } from '../../src/core/lookalike';
import { Rng } from '../../src/core/model/rng';
import type { Embeddings, ImageBatch } from '../../src/core/types';
import { setupTrainEngine } from '../../src/cli/backend';

const [outPath, comparePath] = process.argv.slice(2);
const { images, emb } = await fixtureData('fixtures/patch/images', 'none', 'fixtures/patch/encoder.onnx');
if (!emb) throw new Error('no embeddings');
const engine = process.env.DEDE_ENGINE;
if (engine) console.log('engine:', setupTrainEngine({ engine: 'ort', ort: engine === 'web' ? 'web' : 'node', threads: 2 }));

function grown(n: number): { images: ImageBatch; emb: Embeddings } {
  const rng = Rng.derive(7, 1);
  const len = images.size * images.size * 3;
  const x = new Float32Array(n * len);
  const e = new Float32Array(n * emb!.dim);
  for (let i = 0; i < n; i++) {
    const src = i % images.count;
    x.set(images.data.subarray(src * len, (src + 1) * len), i * len);
    for (let j = 0; j < emb!.dim; j++) e[i * emb!.dim + j] = emb!.data[src * emb!.dim + j] * (1 + 0.05 * rng.normal());
  }
  return { images: { ...images, count: n, data: x }, emb: { count: n, dim: emb!.dim, data: e } };
}

const cases = { 'patch 1000': { images, emb }, 'grown 20000': grown(20000) };
const out: Record<string, { density: number[]; lookalike: number[]; densityMs: number; lookalikeMs: number }> = {};
for (const [name, c] of Object.entries(cases)) {
  let t0 = performance.now();
  const density = await neighbourSimilarity(c.emb, DEFAULT_DENSITY, 0);
  const densityMs = performance.now() - t0;
  t0 = performance.now();
  const lookalike = await lookalikeScores(c.images, c.emb, DEFAULT_LOOKALIKE, 0);
  const lookalikeMs = performance.now() - t0;
  out[name] = { density: [...density], lookalike: [...lookalike], densityMs, lookalikeMs };
  console.log(`${name}: density ${(densityMs / 1000).toFixed(2)} s, look-alike ${(lookalikeMs / 1000).toFixed(2)} s`);
}
writeFileSync(outPath, JSON.stringify(out));
if (comparePath) {
  const before = JSON.parse(readFileSync(comparePath, 'utf8')) as typeof out;
  for (const [name, r] of Object.entries(out))
    for (const w of ['density', 'lookalike'] as const) {
      const a = before[name][w], b = r[w];
      let maxAbs = 0, maxRel = 0, same = 0;
      a.forEach((v, i) => { const d = Math.abs(v - b[i]); maxAbs = Math.max(maxAbs, d); maxRel = Math.max(maxRel, d / Math.max(Math.abs(v), 1e-12)); if (v === b[i]) same++; });
      console.log(`${name} ${w}: max |diff| ${maxAbs.toExponential(2)}, max relative ${maxRel.toExponential(2)}, identical ${same}/${a.length}; time ${(before[name][`${w}Ms`] / 1000).toFixed(2)} -> ${(r[`${w}Ms`] / 1000).toFixed(2)} s`);
    }
}
