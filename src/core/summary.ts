/**
 * The scan summary as plain JSON (the CLI's --json, the app's export): everything needed to
 * judge and reproduce a run, and nothing that is per image (that is scores.csv).
 */
import { MODEL_PRESETS, formatRule } from './options';
import type { ScanResult } from './scan';
import { WITNESS_LABELS, notVotingReason } from './witnesses';
import type { TriggerHint } from './evidence';
import { evidenceSentence } from './verdict';

export const SUMMARY_VERSION = 1;

/** Where the trigger hint's maps are brightest (pixel x, y at the rebuild size). */
function hintSummary(h: TriggerHint) {
  const argmax = (m: Float32Array) => {
    let best = 0;
    for (let p = 1; p < m.length; p++) if (m[p] > m[best]) best = p;
    return { x: best % h.size, y: Math.floor(best / h.size) };
  };
  return {
    size: h.size,
    flaggedCount: h.flaggedCount,
    keptCount: h.keptCount,
    hotspot: h.hotspot,
    brightestFlaggedError: argmax(h.flaggedError),
    brightestContrast: argmax(h.errorContrast),
  };
}

/** JSON-ready summary of a scan: counts, rule, threshold, settings, timings, power, metrics, skipped files. */
export function scanSummary(r: ScanResult) {
  const flagged = r.flagged.filter(Boolean).length;
  // `|| 0` turns -0 into 0, so the summary survives a JSON round trip unchanged.
  const round = (x: number, digits = 3) => Number(x.toFixed(digits)) || 0;
  return {
    version: SUMMARY_VERSION,
    counts: {
      images: r.paths.length,
      flagged,
      clean: r.paths.length - flagged,
      skipped: r.skipped.length,
      trainImages: r.trainImages,
      auxSkipped: r.auxSkipped.length,
    },
    rule: formatRule(r.rule),
    threshold: r.threshold,
    preset: r.train.preset,
    backend: r.backend,
    timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, round(v, 2)])),
    settings: {
      encoder: {
        format: r.encoder.format,
        sha256: r.encoder.sha256,
        input: r.encoder.inputName,
        inputShape: r.encoder.inputShape,
        output: r.encoder.outputName,
        embDim: r.embDim,
      },
      preprocess: r.pre,
      decoder: { ...MODEL_PRESETS[r.train.preset], rebuildSize: r.rebuildSize, params: r.paramCount, decoders: r.decoders },
      train: { ...r.train, trainedOn: r.trainedOn, resumedFromEpoch: r.resumedFromEpoch, epochsTrained: r.epochsTrained, powerByEpoch: r.powerByEpoch },
      score: r.score,
    },
    loss: { first: r.lossHistory[0] ?? null, last: r.lossHistory[r.lossHistory.length - 1] ?? null },
    power: r.power,
    metrics: r.metrics,
    rebuildCollapse: r.rebuildCollapse === null ? null : round(r.rebuildCollapse, 4),
    verdict: {
      score: !r.calibrated
        ? 'raw DeDe error (sum of squared error)'
        : r.score.combine === 'join'
          ? 'max calibrated z over the voting witness whose upper tail most exceeds its measured clean tail and every voter with at least half its excess'
          : r.score.combine === 'excess'
          ? 'calibrated z of the voting witness whose upper tail most exceeds its measured clean tail'
          : r.score.combine === 'heaviest'
          ? 'calibrated z of the voting witness with the heaviest upper tail'
          : 'max calibrated z over the voting witnesses',
      expectedFalseAlarms: r.expectedFalseAlarms === null ? null : round(r.expectedFalseAlarms, 2),
      /** Does the speaking witness's tail exceed what folders without poison showed (verdict.ts folderEvidence)? */
      backdoorEvidence: r.backdoorEvidence ? { ...r.backdoorEvidence, tailShare: round(r.backdoorEvidence.tailShare, 4), sentence: evidenceSentence(r.backdoorEvidence) } : null,
      rawAuroc: r.rawAuroc === null ? null : round(r.rawAuroc, 4),
      witnesses: r.witnesses.map((w) => ({
        name: w.name,
        label: WITNESS_LABELS[w.name],
        flagged: w.flagged,
        votes: w.votes,
        tailShare: w.tailShare === null ? null : round(w.tailShare, 4),
        outvotedBy: w.outvotedBy,
        lowPower: w.lowPower === null ? null : round(w.lowPower, 4),
        notVoting: notVotingReason(w),
        fit: { median: round(w.fit.median, 4), sigma: round(w.fit.sigma, 4) },
        auroc: w.auroc === null ? null : round(w.auroc, 4),
        tprAt5Fpr: w.tprAt5Fpr === null ? null : round(w.tprAt5Fpr, 4),
      })),
      families: r.families.slice(0, 20).map((rows) => ({ size: rows.length, files: rows.slice(0, 20).map((i) => r.paths[i]) })),
      /** The cosine that links a family on this folder (FAMILY_CLOSER x closer than its median nearest neighbour). */
      familyCos: r.familyCos == null ? null : round(r.familyCos, 5),
    },
    triggerHint: r.evidence?.hint ? hintSummary(r.evidence.hint) : null,
    skipped: r.skipped,
    auxSkipped: r.auxSkipped,
  };
}

export type ScanSummary = ReturnType<typeof scanSummary>;
