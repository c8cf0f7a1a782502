/**
 * Research (issue 7): train the default cross-fitted decoders on one fixture once and write,
 * at each checkpoint, every decoder's rebuild of *every* image (held-out and trained-on), so
 * that scoring statistics can be compared offline without retraining (score-lab.py reads it).
 * At 32 px the default score mask (0.99) leaves no visible patch, so a rebuild depends on the
 * embedding alone and the full matrix of errors ||x_i - rebuild_j||^2 follows from these.
 *
 *   npx tsx scripts/research/dump-rebuilds.ts <encoder> <images> <labels.csv|none> <out-dir> [checkpoints=4,8,12]
 *
 * checkpoints = none writes the images and embeddings only (for the decoder-free statistics).
 * Writes <out-dir>/meta.json (paths, labels, parts, size, checkpoints), images.f32 (n x 3s^2,
 * the decoder's input pixels), emb.f32 (n x D) and rebuild-e<E>-f<F>.f32 (n x 3s^2).
 * DEDE_TRAIN='{"folds":4}' overrides training options (JSON merged into the defaults).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TRAIN, DEFAULT_SCORE } from '../../src/core/options';
import { createDecoderSet, disposeDecoderSet, trainDecoderSet } from '../../src/core/decoderSet';
import { reconstruct } from '../../src/core/model/score';
import { fixtureData } from './fixture-data';
import { ThreadFoldRunner, foldSlots } from '../../src/cli/foldRunner';

const [encPath, root, labelsPath, outDir, cpArg = '4,8,12'] = process.argv.slice(2);
const checkpoints = cpArg === 'none' ? [] : cpArg.split(',').map(Number); // none: images and embeddings only
mkdirSync(outDir, { recursive: true });
const fx = await fixtureData(root, labelsPath, encPath);
const data = { images: fx.images, emb: fx.emb! };
const n = fx.images.count;
const len = fx.images.size * fx.images.size * 3;
const train = { ...DEFAULT_TRAIN, ...JSON.parse(process.env.DEDE_TRAIN ?? '{}') };
const set = createDecoderSet({ imageSize: fx.images.size, embDim: fx.emb!.dim }, train, n, true);
const threads = Number(process.env.DEDE_THREADS ?? foldSlots(train.folds));
const runner = threads > 0 ? new ThreadFoldRunner(threads) : null;
const write = (name: string, a: Float32Array) => writeFileSync(path.join(outDir, name), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
write('images.f32', fx.images.data);
write('emb.f32', fx.emb!.data);
writeFileSync(
  path.join(outDir, 'meta.json'),
  JSON.stringify({ encoder: encPath, images: root, paths: fx.paths, labels: fx.labels, parts: set.parts, size: fx.images.size, dim: fx.emb!.dim, checkpoints, train }),
);
const started = performance.now();
for (const epochs of checkpoints) {
  await trainDecoderSet(set, data, { ...train, epochs }, { runner });
  for (let f = 0; f < set.states.length; f++) {
    const out = new Float32Array(n * len);
    for (let b = 0; b < n; b += 128) {
      const idx = Array.from({ length: Math.min(128, n - b) }, (_, i) => b + i);
      const { recon } = await reconstruct(set.states[f].model, data.images, data.emb, idx, { maskRatio: DEFAULT_SCORE.scoreMask, seed: train.seed });
      out.set(recon, b * len);
    }
    write(`rebuild-e${epochs}-f${f}.f32`, out);
  }
  console.log(JSON.stringify({ epochs, seconds: Math.round((performance.now() - started) / 1000) }));
}
disposeDecoderSet(set);
await runner?.close();
