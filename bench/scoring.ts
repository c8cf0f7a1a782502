/**
 * Scoring-phase speed (issue 8, large folders): the default scoring with the raw DeDe error
 * taken from the counterfactual pass's own rebuilds (one pass over the folder) against the
 * previous two passes (scoreWithSet, then the counterfactual rebuilds), alternated 3 times in
 * one run on the demo's 1,000 images with its pre-trained decoders. Prints the medians.
 *
 *   npx tsx bench/scoring.ts
 */
import { readFileSync } from 'node:fs';
import { decoderSetFromBytes, scoreWithSet } from '../src/core/decoderSet';
import { DEFAULT_SCORE, DEFAULT_TRAIN } from '../src/core/options';
import { computeWitnesses } from '../src/core/witnesses';
import { fixtureData } from '../scripts/research/fixture-data';

const fx = await fixtureData('public/demo/images', 'none', 'public/demo/encoder.onnx');
const set = decoderSetFromBytes(new Uint8Array(readFileSync('public/demo/decoder.dedeset')));
const data = { images: fx.images, emb: fx.emb! };
const opts = { ...DEFAULT_SCORE, seed: DEFAULT_TRAIN.seed };
const time = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};
const one: number[] = [];
const two: number[] = [];
for (let r = 0; r < 3; r++) {
  two.push(await time(async () => computeWitnesses(set, data, await scoreWithSet(set, data, opts), opts)));
  one.push(await time(() => computeWitnesses(set, data, null, opts)));
}
const med = (v: number[]) => v.sort((a, b) => a - b)[1];
console.log(JSON.stringify({ images: fx.images.count, twoPassesSeconds: Number(med(two).toFixed(2)), onePassSeconds: Number(med(one).toFixed(2)), speedup: Number((med(two) / med(one)).toFixed(2)) }));
