/**
 * Everything the results view derives from the scores, computed by core (threshold rules,
 * metrics) and memoised: the threshold in force, each sample's verdict (a manual override
 * wins over the threshold), counts, and with labels the ROC and metrics at the threshold.
 */
import { useMemo } from 'react';
import { rocCurve, type RocPoint } from '../core/metrics';
import { matchLabels, scanMetrics, scanThreshold, type LabelledSubset, type ScanMetrics } from '../core/scanMetrics';
import { isFlagged } from '../core/threshold';
import { messageOf } from './messages';
import { useStudio } from './store';

export interface Verdicts {
  /** The threshold in force: the hand-placed one, else the rule's. */
  threshold: number | null;
  ruleThreshold: number | null;
  ruleError: string | null;
  /** 1 = poisoned, per sample (override, else score > threshold). */
  flagged: Uint8Array;
  /** Sample indices by score, highest first. */
  order: number[];
  counts: { total: number; flagged: number; clean: number; overridden: number };
  subset: LabelledSubset | null;
  labelsError: string | null;
  metrics: ScanMetrics | null;
  roc: RocPoint[] | null;
}

function useLabelled(files: string[], scores: Float32Array | null, labels: Record<string, 0 | 1> | null) {
  return useMemo(() => {
    if (!scores || !labels || files.length === 0) return { subset: null, roc: null, labelsError: null };
    try {
      const subset = matchLabels(files, new Map(Object.entries(labels)));
      const poisoned = subset.labels.reduce((n, l) => n + l, 0);
      const roc =
        poisoned > 0 && poisoned < subset.index.length
          ? rocCurve(Float64Array.from(subset.index, (i) => scores[i]), subset.labels)
          : null;
      return { subset, roc, labelsError: null };
    } catch (err) {
      return { subset: null, roc: null, labelsError: messageOf(err) };
    }
  }, [files, scores, labels]);
}

export function useVerdicts(): Verdicts {
  const files = useStudio((s) => s.files);
  const scores = useStudio((s) => s.scores);
  const labels = useStudio((s) => s.labels);
  const rule = useStudio((s) => s.rule);
  const calibrated = useStudio((s) => s.scoresCalibrated);
  const manual = useStudio((s) => s.manualThreshold);
  const overrides = useStudio((s) => s.overrides);
  const { subset, roc, labelsError } = useLabelled(files, scores, labels);

  const order = useMemo(() => {
    if (!scores) return [];
    return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || (files[a] < files[b] ? -1 : 1));
  }, [scores, files]);

  const rulePick = useMemo(() => {
    if (!scores || scores.length === 0) return { value: null, error: null };
    try {
      return { value: scanThreshold(scores, rule, subset, { calibrated }), error: null };
    } catch (err) {
      return { value: null, error: messageOf(err) };
    }
  }, [scores, rule, subset, calibrated]);

  return useMemo(() => {
    const n = scores?.length ?? 0;
    const threshold = manual ?? rulePick.value;
    const flagged = new Uint8Array(n);
    let overridden = 0;
    for (let i = 0; i < n; i++) {
      const o = overrides[files[i]];
      if (o) overridden++;
      flagged[i] = o ? (o === 'poisoned' ? 1 : 0) : threshold !== null && isFlagged(scores![i], threshold) ? 1 : 0;
    }
    const count = flagged.reduce((a, f) => a + f, 0);
    const metrics = scores && subset && threshold !== null ? scanMetrics(scores, subset, threshold) : null;
    return {
      threshold,
      ruleThreshold: rulePick.value,
      ruleError: rulePick.error,
      flagged,
      order,
      counts: { total: n, flagged: count, clean: n - count, overridden },
      subset,
      labelsError,
      metrics,
      roc,
    };
  }, [scores, files, manual, rulePick, overrides, order, subset, labelsError, roc]);
}
