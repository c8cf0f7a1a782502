/**
 * Research (issue 7): the decoders are short of data (each cross-fitted decoder trains on the
 * 500 images it does not score). Does adding clean auxiliary images to every decoder's training
 * rows (TrainData.extra with source -1: trained on, never scored) raise DeDe's counterfactual
 * AUROC, without breaking cross-fitting? Prints one JSON line per (aux, epochs).
 *
 *   npx tsx scripts/research/aux-crossfit.ts <encoder> <images> <labels.csv> <aux-folder> [epochs=4,8,12] [aux=none,add]
 */
import { auroc, tprAtFpr } from '../../src/core/metrics';
import { DEFAULT_TRAIN, DEFAULT_SCORE } from '../../src/core/options';
import { createDecoderSet, disposeDecoderSet, scoreWithSet, trainDecoderSet } from '../../src/core/decoderSet';
import { computeWitnesses } from '../../src/core/witnesses';
import { robustZ } from '../../src/core/calibrate';
import { pickThreshold } from '../../src/core/threshold';
import { fixtureData } from './fixture-data';
import { decoderPower } from '../../src/core/power';
import { ThreadFoldRunner, foldSlots } from '../../src/cli/foldRunner';
import type { TrainData } from '../../src/core/model';

const [encPath, root, labelsPath, auxRoot, epochsArg = '4,8,12', modes = 'none,add'] = process.argv.slice(2);
// DEDE_THREADS=1: one thread (two runs side by side); DEDE_TRAIN='{"seed":1}' merges into the training defaults.
const checkpoints = epochsArg.split(',').map(Number);
const fx = await fixtureData(root, labelsPath, encPath);
const aux = await fixtureData(auxRoot, 'none', encPath);
const labels = Uint8Array.from(fx.labels);
const base: TrainData = { images: fx.images, emb: fx.emb! };
const round = (x: number) => Number(x.toFixed(4));
const flaggedShare = (s: Float32Array) => {
  const { z } = robustZ(Float64Array.from(s, (v) => Math.log(Math.max(v, 1e-12))));
  const t = pickThreshold(z, { kind: 'tail', alpha: 0.005 });
  return round(z.filter((v) => v > t).length / z.length);
};
for (const mode of modes.split(',')) {
  const data: TrainData =
    mode === 'add' ? { ...base, extra: { images: aux.images, emb: aux.emb!, source: new Int32Array(aux.images.count).fill(-1) } } : base;
  const train = { ...DEFAULT_TRAIN, ...JSON.parse(process.env.DEDE_TRAIN ?? '{}'), epochs: Math.max(...checkpoints) };
  const set = createDecoderSet({ imageSize: fx.images.size, embDim: fx.emb!.dim }, train, fx.images.count, true);
  const threads = Number(process.env.DEDE_THREADS ?? foldSlots(train.folds));
  const runner = threads > 0 ? new ThreadFoldRunner(threads) : null;
  const started = performance.now();
  for (const epochs of checkpoints) {
    await trainDecoderSet(set, data, { ...train, epochs }, { runner });
    const opts = { ...DEFAULT_SCORE, seed: train.seed };
    const raw = await scoreWithSet(set, base, opts);
    const w = await computeWitnesses(set, base, raw, { ...opts, witnesses: ['dede'] });
    const s = w.witnesses[0].score;
    const power = (await decoderPower(set, base, opts, true))?.auroc ?? null;
    console.log(JSON.stringify({ mode, auxImages: mode === 'add' ? aux.images.count : 0, epochs, seconds: round((performance.now() - started) / 1000), raw: round(auroc(raw, labels)), cf: round(auroc(s, labels)), power: power === null ? null : round(power), cfTpr5: round(tprAtFpr(s, labels, 0.05)), flagged: flaggedShare(s) }));
  }
  disposeDecoderSet(set);
  await runner?.close();
}
