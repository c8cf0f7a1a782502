/** With labels: the ROC curve, AUROC, and TPR / FPR at the current threshold (all from core). */
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useEffect, useState } from 'react';
import { rebuildCollapse } from '../../state/bridge';
import type { Verdicts } from '../../state/verdicts';
import { formatPercent } from '../format';
import './roc-panel.css';

function thin<T>(points: T[], max = 400): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out = Array.from({ length: max }, (_, i) => points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}

/**
 * Rebuild collapse (core/collapse.ts): whether the labelled-poisoned images score high because
 * the encoder sends them to one target (a backdoor) or for another reason (pixel outliers).
 */
function CollapseStat({ verdicts }: { verdicts: Verdicts }) {
  const { subset, counts } = verdicts;
  // The answer is kept with the labels it was computed for, so a stale one is never shown.
  const [result, setResult] = useState<{ for: unknown; value: number | null } | null>(null);
  useEffect(() => {
    if (!subset) return;
    let live = true;
    void rebuildCollapse(subset, counts.total).then((value) => live && setResult({ for: subset, value }));
    return () => {
      live = false;
    };
  }, [subset, counts.total]);
  const done = result !== null && result.for === subset;
  const value = done ? result.value : null;
  const text = !done ? 'computing...' : value === null ? '-' : `${value.toFixed(3)} (${value < 0.5 ? 'backdoor target' : 'no shared target'})`;
  const title =
    value === null
      ? "Share of their input spread the poisoned images' rebuilds keep, relative to the clean images."
      : value < 0.5
        ? 'The poisoned images are rebuilt as nearly one image: the encoder maps them to one target, the backdoor DeDe looks for.'
        : 'The poisoned images are rebuilt as diversely as clean ones: they do not share one target embedding. Either their high scores have another cause (pixel outliers, say), or the backdoor spreads its triggered embeddings over the target class (DRUPE-style, as in the demo), which the look-alike witness is there for.';
  return (
    <div title={title}>
      <dt>Rebuild collapse</dt>
      <dd data-metric="Rebuild collapse">{text}</dd>
    </div>
  );
}

export function RocPanel({ verdicts }: { verdicts: Verdicts }) {
  const { metrics, roc, labelsError } = verdicts;
  if (labelsError) return <p className="field__error" role="alert">Labels: {labelsError}</p>;
  if (!metrics) {
    return (
      <div className="roc-panel__hint">
        <strong>No ground truth loaded.</strong> Three witnesses score each image, each calibrated against the bulk
        of this folder (a robust z): DeDe&rsquo;s rebuild, scored as the image&rsquo;s own rebuild error over its best
        rebuild from another image&rsquo;s embedding (a triggered image&rsquo;s embedding describes the target, so a
        stranger&rsquo;s rebuilds it as well); how close its embedding&rsquo;s neighbours are (a backdoor that sends
        triggered images to one target makes near-duplicates); and whether the images with the nearest embeddings
        look like it. The witness whose upper tail most exceeds what it showed on folders without poison gives the score. To measure the detection (ROC, AUROC,
        TPR and FPR at the threshold), add a labels CSV with columns <code>file,poisoned</code> under Inputs.
        <p className="roc-panel__caveat">
          Read scores with care: a stealthy backdoor that spreads its triggered embeddings defeats the neighbourhood
          witness, and DeDe&rsquo;s witness is weaker after the few minutes of training a CPU allows. A low score is
          not proof that an image is clean (README, &ldquo;Detection&rdquo;).
        </p>
      </div>
    );
  }
  const c = metrics.confusion;
  const stats: [string, string][] = [
    ['AUROC', metrics.auroc === null ? '-' : metrics.auroc.toFixed(3)],
    ['AUPRC', metrics.auprc === null ? '-' : metrics.auprc.toFixed(3)],
    ['TPR at threshold', formatPercent(c.tpr)],
    ['FPR at threshold', formatPercent(c.fpr)],
    ['TPR at 1% FPR', formatPercent(metrics.tprAt1Fpr)],
    ['TPR at 5% FPR', formatPercent(metrics.tprAt5Fpr)],
  ];
  return (
    <div className="roc-panel">
      <div className="roc-panel__chart" role="img" aria-label={`ROC curve, AUROC ${stats[0][1]}`}>
        {roc && (
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={thin(roc)} margin={{ top: 8, right: 12, bottom: 16, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
              <XAxis dataKey="fpr" type="number" domain={[0, 1]} tick={{ fontSize: 11 }} label={{ value: 'False positive rate', position: 'insideBottom', offset: -8, fontSize: 11 }} />
              <YAxis dataKey="tpr" type="number" domain={[0, 1]} tick={{ fontSize: 11 }} width={40} label={{ value: 'TPR', angle: -90, position: 'insideLeft', fontSize: 11 }} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
              <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="var(--border-strong)" strokeDasharray="4 4" />
              <Line type="stepAfter" dataKey="tpr" stroke="var(--accent)" strokeWidth={2} dot={false} isAnimationActive={false} />
              <ReferenceDot x={c.fpr} y={c.tpr} r={6} fill="var(--danger)" stroke="white" />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
      <dl className="roc-panel__stats" aria-label="Detection metrics against the labels">
        {stats.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd data-metric={k}>{v}</dd>
          </div>
        ))}
        <div>
          <dt>Confusion</dt>
          <dd className="confusion">
            <span title="poisoned, flagged">TP {c.tp}</span>
            <span title="clean, flagged">FP {c.fp}</span>
            <span title="poisoned, kept">FN {c.fn}</span>
            <span title="clean, kept">TN {c.tn}</span>
          </dd>
        </div>
        <CollapseStat verdicts={verdicts} />
        <div>
          <dt>Labelled</dt>
          <dd>
            {metrics.labelled} ({metrics.poisoned} poisoned)
            {metrics.unmatched > 0 && `, ${metrics.unmatched} labels match no image`}
          </dd>
        </div>
      </dl>
    </div>
  );
}
