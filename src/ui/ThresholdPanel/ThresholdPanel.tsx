/** The threshold: a rule of the engine (with its parameter) or a value placed by hand, and live counts. */
import { RULE_LABELS, type ThresholdRule } from '../../core/options';
import { NULL_TAIL, WITNESS_LABELS, notVotingReason } from '../../core/witnesses';
import { evidenceSentence, falseAlarmSentence, folderEvidence } from '../../core/verdict';
import { useStudio } from '../../state/store';
import { lastRunResult } from '../../state/bridge';
import type { Verdicts } from '../../state/verdicts';
import { formatPercent, formatScore } from '../format';
import { NumberField } from '../NumberField/NumberField';
import './threshold-panel.css';

type Kind = ThresholdRule['kind'];
const PARAM: Record<Exclude<Kind, 'youden'>, { label: string; def: number; min: number; max?: number; step: number }> = {
  mean: { label: 'k', def: 1.5, min: 0.01, step: 0.1 },
  pct: { label: 'Percentile', def: 99, min: 0.1, max: 99.9, step: 0.5 },
  mad: { label: 'z', def: 3.5, min: 0.1, step: 0.5 },
  rate: { label: 'Rate', def: 0.05, min: 0.001, max: 0.999, step: 0.01 },
  value: { label: 'Value', def: 0, min: -Infinity, step: 1 },
  tail: { label: 'False-alarm rate', def: 0.005, min: 0.0001, max: 0.49, step: 0.005 },
};

function paramOf(rule: ThresholdRule): number | null {
  switch (rule.kind) {
    case 'mean':
      return rule.k;
    case 'pct':
      return rule.p;
    case 'mad':
      return rule.z;
    case 'rate':
      return rule.rate;
    case 'value':
      return rule.value;
    case 'tail':
      return rule.alpha;
    default:
      return null;
  }
}

function makeRule(kind: Kind, v: number): ThresholdRule {
  switch (kind) {
    case 'mean':
      return { kind, k: v };
    case 'pct':
      return { kind, p: v };
    case 'mad':
      return { kind, z: v };
    case 'rate':
      return { kind, rate: v };
    case 'value':
      return { kind, value: v };
    case 'tail':
      return { kind, alpha: v };
    default:
      return { kind: 'youden' };
  }
}

export function ThresholdPanel({ verdicts }: { verdicts: Verdicts }) {
  const rule = useStudio((s) => s.rule);
  const manual = useStudio((s) => s.manualThreshold);
  const hasLabels = useStudio((s) => s.labels !== null);
  const { setRule, setManualThreshold } = useStudio.getState();
  const param = paramOf(rule);
  const spec = rule.kind === 'youden' ? null : PARAM[rule.kind];
  const { counts } = verdicts;
  const run = lastRunResult();
  const witnesses = run?.witnesses.filter((w) => w.votes).length || 1;
  const evidence = run?.calibrated ? folderEvidence(run.witnesses) : null;

  return (
    <div className="threshold-panel">
      <div className="threshold-panel__controls">
        <div className="field">
          <label htmlFor="rule-kind">Rule</label>
          <select
            id="rule-kind"
            value={rule.kind}
            onChange={(e) => {
              const kind = e.currentTarget.value as Kind;
              const def = kind === 'value' ? (verdicts.threshold ?? 0) : kind === 'youden' ? 0 : PARAM[kind].def;
              setRule(makeRule(kind, def));
            }}
          >
            {(Object.keys(RULE_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k} disabled={k === 'youden' && !hasLabels}>
                {RULE_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        {spec && param !== null && (
          <div className="field--narrow">
            <NumberField
              key={rule.kind}
              id="rule-param"
              label={spec.label}
              value={param}
              min={spec.min}
              max={spec.max}
              step={spec.step}
              integer={false}
              onChange={(v) => setRule(makeRule(rule.kind, v))}
            />
          </div>
        )}
        {verdicts.threshold !== null && (
          <div className="field--narrow">
            <NumberField
              id="threshold-value"
              label="Threshold"
              value={Number(verdicts.threshold.toPrecision(6))}
              min={-Infinity}
              step="any"
              integer={false}
              onChange={setManualThreshold}
            />
          </div>
        )}
        {manual !== null && (
          <button type="button" className="button button--small" onClick={() => setManualThreshold(null)}>
            Back to rule ({formatScore(verdicts.ruleThreshold)})
          </button>
        )}
      </div>
      {verdicts.ruleError && <p className="field__error" role="alert">{verdicts.ruleError}</p>}
      {evidence && (
        <p className={`threshold-panel__evidence threshold-panel__evidence--${evidence.level}`} data-testid="folder-evidence" data-level={evidence.level}>
          {evidenceSentence(evidence)}
        </p>
      )}
      {run?.calibrated && run.witnesses.length > 0 && (
        <ul className="threshold-panel__witnesses" aria-label="Witnesses" data-testid="witness-votes">
          {run.witnesses.map((w) => (
            <li key={w.name} data-witness={w.name} data-votes={String(w.votes)}>
              <strong>{WITNESS_LABELS[w.name]}</strong>:{' '}
              {w.votes
                ? `${witnesses === 1 ? 'gives the verdict' : 'votes'} (${(100 * w.tailShare).toFixed(1)}% of images above z(1%); 1% nominal, up to ${(100 * NULL_TAIL[w.name]).toFixed(1)}% measured on folders without poison)`
                : notVotingReason(w)}
            </li>
          ))}
        </ul>
      )}
      <div className="counts" aria-live="polite">
        <div className="count count--flagged">
          <span className="count__n" data-testid="flagged-count">{counts.flagged.toLocaleString()}</span>
          <span className="count__label">flagged as poisoned ({formatPercent(counts.total ? counts.flagged / counts.total : 0)})</span>
          {rule.kind === 'tail' && manual === null && (
            <span className="count__label" data-testid="expected-false-alarms">
              {falseAlarmSentence(rule.alpha * counts.total * witnesses)}
            </span>
          )}
        </div>
        <div className="count">
          <span className="count__n" data-testid="clean-count">{counts.clean.toLocaleString()}</span>
          <span className="count__label">kept as clean</span>
        </div>
        <div className="count">
          <span className="count__n">{counts.overridden.toLocaleString()}</span>
          <span className="count__label">manual overrides</span>
        </div>
      </div>
    </div>
  );
}
