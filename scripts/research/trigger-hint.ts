/**
 * Research: where the trigger hint (src/core/evidence.ts) points on a fixture with a known patch.
 * Trains the product's cross-fitted decoders, flags with the default verdict, and prints the
 * hotspot of the flagged-minus-kept error map, the brightest pixel of the flagged error map and
 * of |mean flagged - mean kept| image, and how much of each map's mass lies in the trigger box.
 *
 *   npx tsx scripts/research/trigger-hint.ts <encoder> <images> <labels.csv> [epochs=12] [box=21,21,10]
 */
import { DEFAULT_TRAIN, DEFAULT_SCORE, DEFAULT_RULE } from '../../src/core/options';
import { createDecoderSet, scoreWithSet, trainDecoderSet } from '../../src/core/decoderSet';
import { computeWitnesses } from '../../src/core/witnesses';
import { pickThreshold } from '../../src/core/threshold';
import { triggerHint } from '../../src/core/evidence';
import { auroc } from '../../src/core/metrics';
import { fixtureData } from './fixture-data';

const [encPath, root, labelsPath, epochsArg = '12', boxArg = '21,21,10'] = process.argv.slice(2);
const [bx, by, bs] = boxArg.split(',').map(Number);
const fx = await fixtureData(root, labelsPath, encPath);
const data = { images: fx.images, emb: fx.emb! };
const train = { ...DEFAULT_TRAIN, epochs: Number(epochsArg) };
const set = createDecoderSet({ imageSize: fx.images.size, embDim: fx.emb!.dim }, train, fx.images.count, true);
await trainDecoderSet(set, data, train, {});
const opts = { ...DEFAULT_SCORE, seed: train.seed };
const raw = await scoreWithSet(set, data, opts);
const ws = await computeWitnesses(set, data, raw, opts);
const t = pickThreshold(ws.score, DEFAULT_RULE, undefined, { calibrated: ws.calibrated });
const flagged = Array.from(ws.score, (s) => s > t);
const useLabels = process.env.HINT_FLAG === 'labels';
const flags = useLabels ? fx.labels.map((l) => l === 1) : flagged;
const hint = (await triggerHint(set, data, flags, { maskRatio: opts.scoreMask, seed: train.seed }))!;
const S = hint.size;
const inBox = (p: number) => {
  const x = p % S, y = Math.floor(p / S);
  return x >= bx && x < bx + bs && y >= by && y < by + bs;
};
const describe = (name: string, m: ArrayLike<number>) => {
  let best = 0, total = 0, box = 0;
  for (let p = 0; p < m.length; p++) {
    if (m[p] > m[best]) best = p;
    const v = Math.max(0, m[p]);
    total += v;
    if (inBox(p)) box += v;
  }
  return { name, brightest: { x: best % S, y: Math.floor(best / S) }, inBox: inBox(best), boxShare: Number((box / total).toFixed(3)), boxArea: (bs * bs) / (S * S) };
};
const diffMag = new Float32Array(S * S);
for (let p = 0; p < S * S; p++) diffMag[p] = Math.abs(hint.meanDiff[p * 3]) + Math.abs(hint.meanDiff[p * 3 + 1]) + Math.abs(hint.meanDiff[p * 3 + 2]);
console.log(JSON.stringify({
  auroc: auroc(ws.score, Uint8Array.from(fx.labels)),
  flagged: flagged.filter(Boolean).length,
  flaggedBy: useLabels ? 'labels' : 'verdict',
  hotspot: hint.hotspot,
  maps: [describe('flaggedError', hint.flaggedError), describe('errorContrast', hint.errorContrast), describe('|meanDiff|', diffMag)],
}, null, 1));
