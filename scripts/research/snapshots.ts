/**
 * Research (issue 7): single decoder checkpoints are noisy (the DRUPE-style counterfactual AUROC
 * swings +-0.05 from one epoch count to the next), so does averaging each image's log
 * counterfactual score over several checkpoints of the same training run (a snapshot ensemble,
 * no extra training) rank the backdoor better than the last checkpoint alone?
 * Trains the default cross-fitted decoders once and scores after every `step` epochs; prints one
 * JSON line per checkpoint (held-out decoder power, that checkpoint alone, and the mean of log scores over the last
 * 2, 3, 4 and all checkpoints from `from` on), so a window can be read at any end epoch.
 *
 *   npx tsx scripts/research/snapshots.ts <encoder> <images> <labels.csv> [end=20] [step=2] [from=4]
 *
 * DEDE_TRAIN='{"weightDecay":1e-3,"folds":4}' overrides training options (JSON merged into the defaults);
 * DEDE_THREADS=1 trains both decoders in one thread.
 */
import { auroc, tprAtFpr } from '../../src/core/metrics';
import { DEFAULT_TRAIN, DEFAULT_SCORE } from '../../src/core/options';
import { createDecoderSet, disposeDecoderSet, scoreWithSet, trainDecoderSet } from '../../src/core/decoderSet';
import { computeWitnesses } from '../../src/core/witnesses';
import { pickThreshold } from '../../src/core/threshold';
import { robustZ } from '../../src/core/calibrate';
import { fixtureData } from './fixture-data';
import { ThreadFoldRunner, foldSlots } from '../../src/cli/foldRunner';
import { decoderPower } from '../../src/core/power';

const [encPath, root, labelsPath, endArg = '20', stepArg = '2', fromArg = '4'] = process.argv.slice(2);
const end = Number(endArg), step = Number(stepArg), from = Number(fromArg);
const fx = await fixtureData(root, labelsPath, encPath);
const data = { images: fx.images, emb: fx.emb! };
const labels = Uint8Array.from(fx.labels);
const hasLabels = labels.some((l) => l === 1) && labels.some((l) => l === 0);
const round = (x: number) => Number(x.toFixed(4));
const metrics = (s: Float32Array) => {
  // The share the default rule would flag on this score's calibrated z.
  const { z } = robustZ(Float64Array.from(s));
  const t = pickThreshold(z, { kind: 'tail', alpha: 0.005 });
  const flagged = round(z.filter((v) => v > t).length / z.length);
  // The tail the folder-level call reads (share above z(1%) = 2.326), against DeDe's NULL_TAIL.
  const tail = round(z.filter((v) => v > 2.3263).length / z.length);
  return hasLabels ? { auroc: round(auroc(s, labels)), tpr5: round(tprAtFpr(s, labels, 0.05)), flagged, tail } : { flagged, tail };
};
const train = { ...DEFAULT_TRAIN, ...JSON.parse(process.env.DEDE_TRAIN ?? '{}'), epochs: end };
console.log(JSON.stringify({ train }));
const set = createDecoderSet({ imageSize: fx.images.size, embDim: fx.emb!.dim }, train, fx.images.count, true);
// DEDE_THREADS=1: both decoders in this thread (two runs side by side on 2 cores).
const runner = process.env.DEDE_THREADS !== '1' && foldSlots(train.folds) > 0 ? new ThreadFoldRunner(foldSlots(train.folds)) : null;
const started = performance.now();
const logs: { epochs: number; log: Float32Array }[] = [];
const meanOf = (rows: Float32Array[]) => {
  const out = new Float32Array(rows[0].length);
  for (const r of rows) for (let i = 0; i < out.length; i++) out[i] += r[i] / rows.length;
  return out;
};
for (let epochs = step; epochs <= end; epochs += step) {
  await trainDecoderSet(set, data, { ...train, epochs }, { runner });
  const opts = { ...DEFAULT_SCORE, seed: train.seed };
  const raw = await scoreWithSet(set, data, opts);
  const w = await computeWitnesses(set, data, raw, { ...opts, witnesses: ['dede'] });
  const log = Float32Array.from(w.witnesses[0].score, (v) => Math.log(Math.max(v, 1e-12)));
  if (epochs >= from) logs.push({ epochs, log });
  // Held-out decoder power (label-free): a candidate signal for a stopping rule (issue 7 item 4).
  const power = (await decoderPower(set, data, opts, true))?.auroc ?? null;
  const out: Record<string, unknown> = { epochs, seconds: round((performance.now() - started) / 1000), power: power === null ? null : round(power), single: metrics(log) };
  for (const k of [2, 3, 4]) if (logs.length >= k) out[`last${k}`] = metrics(meanOf(logs.slice(-k).map((l) => l.log)));
  if (logs.length > 1) out.all = metrics(meanOf(logs.map((l) => l.log)));
  console.log(JSON.stringify(out));
}
disposeDecoderSet(set);
await runner?.close();
