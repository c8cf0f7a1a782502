/**
 * Research (issue 7): does a mirrored, re-embedded copy of every image raise DeDe's
 * counterfactual AUROC? Trains the default cross-fitted decoders with and without the copies
 * (TrainData.extra, src/core/augment.ts) and evaluates after each epoch count. One JSON line
 * per (augment, epochs).
 *
 *   npx tsx scripts/research/augment.ts <encoder> <images> <labels.csv> [epochs=4,8,12] [augment=none,flip]
 */
import { auroc, tprAtFpr } from '../../src/core/metrics';
import { DEFAULT_TRAIN, DEFAULT_SCORE } from '../../src/core/options';
import { createDecoderSet, disposeDecoderSet, scoreWithSet, trainDecoderSet } from '../../src/core/decoderSet';
import { computeWitnesses } from '../../src/core/witnesses';
import { augmentedRows, flipBatch } from '../../src/core/augment';
import { embedAll } from '../../src/core/pipeline';
import { MemoryEmbeddingStore } from '../../src/core/embedCache';
import { loadEncoder } from '../../src/core/encoder';
import { readEncoderFiles } from '../../src/cli/files';
import { fixtureData, FIXTURE_PRE } from './fixture-data';
import { ThreadFoldRunner, foldSlots } from '../../src/cli/foldRunner';
import type { TrainData } from '../../src/core/model';

const [encPath, root, labelsPath, epochsArg = '4,8,12', augArg = 'none,flip'] = process.argv.slice(2);
const checkpoints = epochsArg.split(',').map(Number);
const fx = await fixtureData(root, labelsPath, encPath);
const labels = Uint8Array.from(fx.labels);
const base: TrainData = { images: fx.images, emb: fx.emb! };
const round = (x: number) => Number(x.toFixed(4));
for (const aug of augArg.split(',')) {
  let data = base;
  if (aug === 'flip') {
    const encoder = await loadEncoder(await readEncoderFiles(encPath));
    const flipped = flipBatch(fx.images);
    const emb = await embedAll(encoder, flipped, fx.paths.map((p) => `${p}#flip`), FIXTURE_PRE, new MemoryEmbeddingStore());
    data = { ...base, extra: augmentedRows(flipped, emb) };
  }
  const train = { ...DEFAULT_TRAIN, epochs: Math.max(...checkpoints) };
  const set = createDecoderSet({ imageSize: fx.images.size, embDim: fx.emb!.dim }, train, fx.images.count, true);
  const runner = foldSlots(train.folds) > 0 ? new ThreadFoldRunner(foldSlots(train.folds)) : null;
  const started = performance.now();
  for (const epochs of checkpoints) {
    await trainDecoderSet(set, data, { ...train, epochs }, { runner });
    const opts = { ...DEFAULT_SCORE, seed: train.seed };
    const raw = await scoreWithSet(set, base, opts);
    const w = await computeWitnesses(set, base, raw, { ...opts, witnesses: ['dede'] });
    console.log(JSON.stringify({ aug, epochs, seconds: round((performance.now() - started) / 1000), raw: round(auroc(raw, labels)), cf: round(auroc(w.score, labels)), cfTpr5: round(tprAtFpr(w.score, labels, 0.05)) }));
  }
  disposeDecoderSet(set);
  await runner?.close();
}
