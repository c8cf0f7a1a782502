/**
 * Research sweep: AUROC of the DeDe decoder on the fixture against epochs, training-set size,
 * train mask ratio and score normalisation. Not a test; it prints a JSON line per evaluation
 * and is how the defaults in src/core/options.ts were chosen (see README, "Choosing defaults").
 *
 *   npx tsx scripts/research/sweep.ts --config name=paper90,preset=fast,trainMask=0.9 --epochs 40 --every 5
 *
 * Several --config flags run one after another. Keys: preset, trainMask, trainMaskEnd, batch,
 * lr, n (training-set size: a seeded subset of the suspect folder), seed, dim, depth.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { setupNodeBackend } from '../../src/cli/backend';
import { readFolder, readEncoderFiles } from '../../src/cli/files';
import { loadEncoder } from '../../src/core/encoder';
import { embedAll, loadImages } from '../../src/core/pipeline';
import { MemoryEmbeddingStore } from '../../src/core/embedCache';
import { parseLabels } from '../../src/core/csv';
import { auroc } from '../../src/core/metrics';
import { DEFAULT_TRAIN, MODEL_PRESETS, type TrainOptions } from '../../src/core/options';
import { FIXTURE_PRE } from './fixture-data';
import { createTrainState, trainEpochs, scoreImages, disposeTrainState } from '../../src/core/model';
import type { Embeddings, ImageBatch } from '../../src/core/types';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const configs = args.flatMap((a, i) => (a === '--config' ? [args[i + 1]] : []));
const epochs = Number(flag('epochs', '30'));
const every = Number(flag('every', '5'));
const root = flag('images', 'fixtures/patch/images');
const labelsPath = flag('labels', 'fixtures/patch/labels.csv');
const encoderPath = flag('encoder', 'fixtures/patch/encoder.onnx');
const dumpDir = flag('dump', '');

const pre = FIXTURE_PRE;

async function data(): Promise<{ images: ImageBatch; emb: Embeddings; labels: number[] }> {
  await setupNodeBackend();
  const { files } = await readFolder(root, '--images');
  const loaded = await loadImages(files, pre);
  const cache = `/tmp/dede-research-${(encoderPath + root).replace(/\W/g, '_')}.bin`;
  let emb: Embeddings;
  if (existsSync(cache)) {
    const buf = await readFile(cache);
    const f = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    emb = { count: loaded.batch.count, dim: f.length / loaded.batch.count, data: f };
  } else {
    const encoder = await loadEncoder(await readEncoderFiles(encoderPath));
    emb = await embedAll(encoder, loaded.batch, loaded.imageShas, pre, new MemoryEmbeddingStore());
    await writeFile(cache, new Uint8Array(emb.data.buffer));
  }
  const lab = labelsPath === 'none' ? new Map<string, number>() : parseLabels(await readFile(labelsPath, 'utf8'));
  const labels = loaded.paths.map((p) => lab.get(p) ?? 0);
  return { images: loaded.batch, emb, labels };
}

function subset(d: { images: ImageBatch; emb: Embeddings }, idx: number[]) {
  const s = d.images.size * d.images.size * 3;
  const img = new Float32Array(idx.length * s);
  const emb = new Float32Array(idx.length * d.emb.dim);
  idx.forEach((r, k) => {
    img.set(d.images.data.subarray(r * s, (r + 1) * s), k * s);
    emb.set(d.emb.data.subarray(r * d.emb.dim, (r + 1) * d.emb.dim), k * d.emb.dim);
  });
  return { images: { count: idx.length, size: d.images.size, data: img }, emb: { count: idx.length, dim: d.emb.dim, data: emb } };
}

async function run(spec: string, d: Awaited<ReturnType<typeof data>>) {
  const kv = Object.fromEntries(spec.split(',').map((p) => p.split('=')));
  const opts: TrainOptions = {
    ...DEFAULT_TRAIN,
    epochs,
    preset: (kv.preset ?? DEFAULT_TRAIN.preset) as TrainOptions['preset'],
    trainMask: kv.trainMask ? Number(kv.trainMask) : DEFAULT_TRAIN.trainMask,
    trainMaskEnd: kv.trainMaskEnd ? Number(kv.trainMaskEnd) : DEFAULT_TRAIN.trainMaskEnd,
    batch: kv.batch ? Number(kv.batch) : DEFAULT_TRAIN.batch,
    lr: kv.lr ? Number(kv.lr) : DEFAULT_TRAIN.lr,
    seed: kv.seed ? Number(kv.seed) : 0,
  };
  const cfg = { ...MODEL_PRESETS[opts.preset] };
  if (kv.dim) cfg.dim = Number(kv.dim);
  if (kv.depth) cfg.decDepth = Number(kv.depth);
  if (kv.patch) cfg.patch = Number(kv.patch);
  const folds = kv.folds ? Number(kv.folds) : 1;
  const n = kv.n ? Number(kv.n) : d.images.count;
  const all = Array.from({ length: d.images.count }, (_, i) => i);
  // A fixed pseudo-random order so that configurations with the same n and folds use the same images.
  const order = all.sort((a, b) => ((a * 2654435761) % 1009) - ((b * 2654435761) % 1009));
  const pool = order.slice(0, n);
  // Fold f scores the images of part f with a decoder trained on the other parts (folds = 1: train and score on all).
  const parts = folds === 1 ? [all] : Array.from({ length: folds }, (_, f) => all.filter((_, i) => i % folds === f));
  const inPart = (f: number) => new Set(parts[f]);
  const states = parts.map((_, f) => {
    const held = folds === 1 ? new Set<number>() : inPart(f);
    const idx = pool.filter((i) => !held.has(i)).sort((a, b) => a - b);
    return { train: subset(d, idx), score: folds === 1 ? d : subset(d, parts[f]), state: createTrainState({ imageSize: d.images.size, embDim: d.emb.dim }, opts, cfg) };
  });
  const t0 = performance.now();
  for (let e = every; e <= epochs; e += every) {
    let loss = 0;
    for (const s of states) {
      await trainEpochs(s.state, s.train, { ...opts, epochs: e });
      loss += s.state.lossHistory[s.state.lossHistory.length - 1] / states.length;
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const scores = new Float32Array(d.images.count);
    for (let f = 0; f < states.length; f++) {
      const sc = await scoreImages(states[f].state.model, states[f].score, { scoreMask: 0.99, masks: 1, seed: 1 });
      parts[f].forEach((row, k) => (scores[row] = sc[k]));
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    const flagged = scores.filter((v) => v > 1.5 * mean).length / scores.length;
    const hasPos = d.labels.some((l) => l === 1);
    const row = { name: kv.name ?? spec, epoch: e, loss: +loss.toFixed(4), trainSeconds: Math.round(trainSeconds), n, folds, auroc: hasPos ? +auroc(scores, d.labels).toFixed(4) : null, flagged: +flagged.toFixed(4), cv: +(sd / mean).toFixed(3) };
    if (dumpDir) await writeFile(`${dumpDir}/${(kv.name ?? spec).replace(/\W/g, '_')}-e${e}.f32`, new Uint8Array(scores.buffer));
    console.log(JSON.stringify(row));
  }
  for (const s of states) disposeTrainState(s.state);
}

const d = await data();
console.error(`data: ${d.images.count} images, emb dim ${d.emb.dim}, backend ${tf.getBackend()}`);
for (const c of configs) await run(c, d);
