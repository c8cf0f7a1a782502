/**
 * Research: every witness and the combined verdict on one (encoder, folder, labels), with the
 * product's cross-fitted decoders, evaluated after several epoch counts. Prints one JSON line
 * per evaluation: AUROC and TPR at 5% FPR of the raw DeDe score, the counterfactual score for
 * R in {4, 16, 32} x {min, mean}, the neighbourhood witness and their max-z combination, and
 * the share flagged by the tail rule at several false-alarm rates. This is how the scoring
 * defaults in src/core/options.ts were chosen (README, "Detection").
 *
 *   npx tsx scripts/research/witnesses.ts <encoder> <images> <labels.csv|none> [epochs=4,8,12] [folds=2] [dump-prefix=/tmp/dede-witnesses-...]
 *
 * Each evaluation also writes <prefix>-e<epochs>.json with the per-image
 * arrays (labels, raw, counterfactual min/16, density) for offline calibration analysis.
 */
import { writeFile } from 'node:fs/promises';
import { auroc, tprAtFpr } from '../../src/core/metrics';
import { DEFAULT_TRAIN, DEFAULT_SCORE, type ScoreOptions } from '../../src/core/options';
import { createDecoderSet, disposeDecoderSet, scoreWithSet, trainDecoderSet } from '../../src/core/decoderSet';
import { computeWitnesses, maxZ, type WitnessSet } from '../../src/core/witnesses';
import { pickThreshold } from '../../src/core/threshold';
import { fixtureData } from './fixture-data';
import { ThreadFoldRunner, foldSlots } from '../../src/cli/foldRunner';

const [encPath, root, labelsPath, epochsArg = '4,8,12', foldsArg = '2', dumpArg] = process.argv.slice(2);
const dump = dumpArg ?? `/tmp/dede-witnesses-${(encPath + '-' + root).replace(/\W+/g, '_')}`;
const checkpoints = epochsArg.split(',').map(Number);
const fx = await fixtureData(root, labelsPath, encPath);
const data = { images: fx.images, emb: fx.emb! };
const labels = Uint8Array.from(fx.labels);
const hasLabels = labels.some((l) => l === 1) && labels.some((l) => l === 0);
const train = { ...DEFAULT_TRAIN, folds: Number(foldsArg), epochs: Math.max(...checkpoints) };
const set = createDecoderSet({ imageSize: fx.images.size, embDim: fx.emb!.dim }, train, fx.images.count, train.folds > 1);
// Cross-fitted decoders train in parallel threads, bit-identical to sequential (test/foldRunner.test.ts).
const runner = foldSlots(train.folds) > 0 ? new ThreadFoldRunner(foldSlots(train.folds)) : null;
const started = performance.now();
const round = (x: number | null) => (x === null || Number.isNaN(x) ? null : Number(x.toFixed(4)));
const metricsOf = (s: Float32Array) => (hasLabels ? { auroc: round(auroc(s, labels)), tpr5: round(tprAtFpr(s, labels, 0.05)) } : {});
const flaggedShare = (s: Float32Array, alpha: number) => {
  const t = pickThreshold(s, { kind: 'tail', alpha });
  return round(s.filter((v) => v > t).length / s.length);
};

for (const epochs of checkpoints) {
  await trainDecoderSet(set, data, { ...train, epochs }, { runner });
  const base = { ...DEFAULT_SCORE, seed: train.seed };
  const raw = await scoreWithSet(set, data, base);
  const out: Record<string, unknown> = { encoder: encPath, images: root, epochs, folds: train.folds, seconds: round((performance.now() - started) / 1000) };
  out.raw = { ...metricsOf(raw), flagged01: flaggedShare(raw, 0.01) };
  // WITNESS_QUICK=1: only the default counterfactual score (min over 16), for combination studies.
  const quick = process.env.WITNESS_QUICK === '1';
  for (const statistic of quick ? (['min'] as const) : (['min', 'mean'] as const)) {
    for (const draws of quick ? [16] : [4, 16, 32]) {
      const opts: ScoreOptions & { seed: number } = { ...base, draws, statistic, witnesses: ['dede'] };
      const w: WitnessSet = await computeWitnesses(set, data, raw, opts);
      out[`cf_${statistic}_${draws}`] = { ...metricsOf(w.score), flagged01: flaggedShare(w.witnesses[0].score, 0.01) };
    }
  }
  const both = await computeWitnesses(set, data, raw, { ...base, witnesses: ['dede', 'density'] });
  out.density = { ...metricsOf(both.witnesses[1].score), flagged01: flaggedShare(both.witnesses[1].score, 0.01) };
  // The verdict (voting witnesses only, witnesses.ts tail gate) beside the max over every witness.
  out.gate = Object.fromEntries(both.witnesses.map((w) => [w.name, { tailShare: round(w.tailShare), votes: w.votes }]));
  out.combined = {
    ...metricsOf(both.score),
    ...Object.fromEntries([0.005, 0.01, 0.02].map((a) => [`flagged${a}`, flaggedShare(both.score, a)])),
  };
  const all = maxZ(both.witnesses);
  out.combinedAll = {
    ...metricsOf(all),
    ...Object.fromEntries([0.005, 0.01, 0.02].map((a) => [`flagged${a}`, flaggedShare(all, a)])),
  };
  console.log(JSON.stringify(out));
  if (dump) {
    const cf16 = await computeWitnesses(set, data, raw, { ...base, draws: 16, statistic: 'min', witnesses: ['dede'] });
    const arrays = { labels: Array.from(labels), raw: Array.from(raw), cfMin16: Array.from(cf16.witnesses[0].score), density: Array.from(both.witnesses[1].score) };
    await writeFile(`${dump}-e${epochs}.json`, JSON.stringify(arrays));
  }
}
disposeDecoderSet(set);
await runner?.close();
