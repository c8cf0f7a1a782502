/**
 * Experiment: DeDe score on block-averaged pixels, and after a per-image affine fit (the rebuild is blurry; texture the decoder
 * cannot know adds content-dependent noise to clean scores). Trains the default decoder set on
 * a folder and prints AUROC (with labels) and the share flagged at 1.5 x mean, for raw and
 * pooled scores.  npx tsx scripts/research/pooled.ts <encoder> <images> [labels]
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { setupNodeBackend } from '../../src/cli/backend';
import { readFolder, readEncoderFiles } from '../../src/cli/files';
import { loadEncoder } from '../../src/core/encoder';
import { embedAll, loadImages } from '../../src/core/pipeline';
import { MemoryEmbeddingStore } from '../../src/core/embedCache';
import { parseLabels } from '../../src/core/csv';
import { auroc } from '../../src/core/metrics';
import { DEFAULT_TRAIN, NORM_PRESETS, type PreprocessOptions } from '../../src/core/options';
import { createDecoderSet, trainDecoderSet, subsetData } from '../../src/core/decoderSet';
import { patchify } from '../../src/core/model';
import { scoreMaskPlan } from '../../src/core/model/score';
import { batchTensors } from '../../src/core/model/batch';

const [encPath, imgDir, labelsPath] = process.argv.slice(2);
const pre: PreprocessOptions = { size: 32, layout: 'nchw', mean: NORM_PRESETS.cifar10.mean, std: NORM_PRESETS.cifar10.std, background: [255, 255, 255], pooling: 'mean' };
await setupNodeBackend();
const loaded = await loadImages((await readFolder(imgDir, '--images')).files, pre);
const enc = await loadEncoder(await readEncoderFiles(encPath));
const emb = await embedAll(enc, loaded.batch, loaded.imageShas, pre, new MemoryEmbeddingStore());
const data = { images: loaded.batch, emb };
const set = createDecoderSet({ imageSize: 32, embDim: emb.dim }, DEFAULT_TRAIN, data.images.count, true);
await trainDecoderSet(set, data, DEFAULT_TRAIN);
const pools = [1, 2, 4, 8];
const scores = [0, ...pools].map(() => new Float32Array(data.images.count));
for (let f = 0; f < set.states.length; f++) {
  const part = set.parts![f];
  const model = set.states[f].model;
  const sub = subsetData(data, part);
  const idx = Array.from({ length: part.length }, (_, i) => i);
  const plan = scoreMaskPlan(model, idx, 0.99, DEFAULT_TRAIN.seed, 0);
  const vals = tf.tidy(() => {
    const t = batchTensors(sub, idx);
    const pred = model.predictPatches(t.images, t.emb, plan); // [B,T,p*p*3]
    const p = 4;
    const [b, tk] = pred.shape;
    const target = patchify(t.images, p);
    const affine = (() => {
      // Residual after the best per-image affine map a * x_hat + b (brightness/contrast the
      // embedding of a colour-jitter-trained encoder cannot know): SSE_x * (1 - corr^2).
      const P = pred.reshape([b, -1]).arraySync() as number[][];
      const X = target.reshape([b, -1]).arraySync() as number[][];
      return P.map((pv, i) => {
        const xv = X[i];
        const n = pv.length;
        let mp = 0, mx = 0;
        for (let j = 0; j < n; j++) { mp += pv[j] / n; mx += xv[j] / n; }
        let spp = 0, sxx = 0, spx = 0;
        for (let j = 0; j < n; j++) { const dp = pv[j] - mp, dx = xv[j] - mx; spp += dp * dp; sxx += dx * dx; spx += dp * dx; }
        return sxx - (spx * spx) / Math.max(spp, 1e-12);
      });
    })();
    return [affine, ...pools.map((q) => {
      // pool q x q pixel blocks inside each p x p patch (q = 8 pools 2 x 2 patches: approximate by patch mean)
      const qq = Math.min(q, p);
      const shape = [b, tk, p / qq, qq, p / qq, qq, 3];
      const pm = pred.reshape(shape).mean([3, 5]);
      const tm = target.reshape(shape).mean([3, 5]);
      return tf.sum(tf.squaredDifference(pm, tm), [1, 2, 3, 4]).mul(qq * qq).arraySync() as number[];
    })];
  });
  vals.forEach((v, k) => part.forEach((row, i) => (scores[k][row] = v[i])));
}
const labels = labelsPath ? parseLabels(await readFile(labelsPath, 'utf8')) : null;
const lab = labels ? loaded.paths.map((p) => labels.get(p) ?? 0) : null;
['affine', 1].forEach((q, k) => {
  const s = scores[k];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const flagged = s.filter((v) => v > 1.5 * mean).length;
  let tp = 0;
  if (lab) s.forEach((v, i) => { if (v > 1.5 * mean && lab[i] === 1) tp++; });
  console.log(JSON.stringify({ pool: q, auroc: lab ? +auroc(s, lab).toFixed(4) : null, flaggedShare: +(flagged / s.length).toFixed(4), tp, fp: flagged - tp }));
});
