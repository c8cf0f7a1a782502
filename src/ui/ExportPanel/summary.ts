/**
 * The exported JSON: core's scanSummary (the CLI's --json) for the current threshold, rule and
 * overrides, plus the app's own additions (overrides, the hand-placed threshold).
 */
import type { ScanEvidence } from '../../core/evidence';
import { formatRule } from '../../core/options';
import { matchLabels, scanMetrics } from '../../core/scanMetrics';
import type { PhaseTimings, ScanResult } from '../../core/scan';
import { scanSummary } from '../../core/summary';
import { witnessVerdict } from '../../core/verdict';
import type { StudioState } from '../../state/store';
import type { RunResult } from '../../worker/protocol';

export function runSummary(s: StudioState, run: RunResult, threshold: number, flagged: Uint8Array, rebuildCollapse: number | null = null, evidence: ScanEvidence | null = null) {
  const labels = s.labels ? new Map(Object.entries(s.labels)) : null;
  let metrics = null;
  let subset = null;
  if (labels) {
    try {
      subset = matchLabels(run.files, labels);
      metrics = scanMetrics(run.scores, subset, threshold);
    } catch {
      metrics = null;
    }
  }
  const flags = Array.from(flagged, (f) => f === 1);
  const verdict = witnessVerdict(
    { witnesses: run.witnesses, score: run.scores, calibrated: run.calibrated, raw: run.raw, bestDonor: run.bestDonor },
    flags,
    threshold,
    s.rule,
    subset,
    null,
  );
  const t = run.timings;
  const timings: PhaseTimings = {
    decoding: 0,
    embedding: t.embedding ?? 0,
    training: t.training ?? 0,
    scoring: t.scoring ?? 0,
    power: t.power ?? 0,
    total: Object.values(t).reduce((a, b) => a + b, 0),
  };
  const result: ScanResult = {
    paths: run.files,
    scores: run.scores,
    flagged: flags,
    threshold,
    rule: s.rule,
    skipped: run.skipped,
    auxSkipped: run.auxSkipped,
    trainedOn: s.trainOn,
    trainImages: run.trainImages,
    metrics,
    rebuildCollapse,
    evidence,
    power: run.power,
    timings,
    encoder: s.encoder!,
    pre: run.pre ?? s.preprocess,
    rebuildSize: run.rebuildSize ?? (run.pre ?? s.preprocess).size,
    train: { ...s.train, epochs: run.epochsTrained },
    score: s.score,
    backend: `tfjs ${run.backend.name}`,
    embDim: run.embDim,
    paramCount: run.paramCount,
    decoders: run.decoders,
    lossHistory: run.lossHistory,
    resumedFromEpoch: run.resumedFrom > 0 ? run.resumedFrom : null,
    epochsTrained: run.epochsTrained,
    powerByEpoch: run.powerByEpoch ?? null,
    raw: run.raw,
    calibrated: run.calibrated,
    bestDonor: run.bestDonor,
    ...verdict,
    families: run.families,
    familyCos: run.familyCos,
  };
  return {
    ...scanSummary(result),
    app: {
      thresholdSource: s.manualThreshold !== null ? 'placed by hand' : formatRule(s.rule),
      overrides: s.overrides,
      backendReason: run.backend.reason,
      adapter: run.backend.adapter,
    },
  };
}
