/** Threshold rules: their kinds, defaults, labels, and the CLI's text form (`tail:0.005`, `mean:1.5`, ...). */
/** Threshold rules, written the way the CLI takes them (`mean:1.5`, `pct:99`, ...). */
export type ThresholdRule =
  | { kind: 'mean'; k: number }
  | { kind: 'pct'; p: number }
  | { kind: 'mad'; z: number }
  | { kind: 'rate'; rate: number }
  | { kind: 'value'; value: number }
  | { kind: 'tail'; alpha: number }
  | { kind: 'youden' };

/**
 * Flag an image when a witness's robust z passes z_alpha, alpha = 0.5% per witness (calibrate.ts).
 * Measured on the fixtures' clean-encoder controls (README "Detection"): their bulks have
 * heavier tails than a normal, so the share flagged is a few times the nominal rate.
 */
export const DEFAULT_RULE: ThresholdRule = { kind: 'tail', alpha: 0.005 };

/** The rule of the paper-faithful settings (the second DeDe implementation's default). */
export const PAPER_RULE: ThresholdRule = { kind: 'mean', k: 1.5 };

export const RULE_LABELS: Record<ThresholdRule['kind'], string> = {
  mean: 'k x mean error',
  pct: 'Percentile',
  mad: 'Robust z (median/MAD)',
  rate: 'Expected poison rate',
  value: 'Fixed value',
  tail: 'Calibrated tail (false-alarm rate)',
  youden: 'Youden-optimal (needs labels)',
};

/** Parse `mean:1.5 | pct:99 | mad:3.5 | rate:0.05 | value:X | youden`; throws a readable Error. */
export function parseRule(text: string): ThresholdRule {
  const [kind, arg] = text.trim().split(':');
  const num = Number(arg);
  const need = (ok: boolean, what: string): number => {
    if (arg === undefined || arg === '' || !Number.isFinite(num) || !ok)
      throw new Error(`threshold rule "${text}": ${what}`);
    return num;
  };
  switch (kind) {
    case 'mean':
      return { kind, k: need(num > 0, 'mean:K needs K > 0, e.g. mean:1.5') };
    case 'pct':
      return { kind, p: need(num > 0 && num < 100, 'pct:P needs 0 < P < 100, e.g. pct:99') };
    case 'mad':
      return { kind, z: need(num > 0, 'mad:Z needs Z > 0, e.g. mad:3.5') };
    case 'rate':
      return { kind, rate: need(num > 0 && num < 1, 'rate:R needs 0 < R < 1, e.g. rate:0.05') };
    case 'value':
      return { kind, value: need(true, 'value:X needs a number, e.g. value:120') };
    case 'tail':
      return { kind, alpha: need(num > 0 && num < 0.5, 'tail:A needs a false-alarm rate 0 < A < 0.5, e.g. tail:0.01') };
    case 'youden':
      return { kind };
    default:
      throw new Error(
        `threshold rule "${text}" is unknown; use tail:0.01, mean:1.5, pct:99, mad:3.5, rate:0.05, value:X or youden`,
      );
  }
}

export function formatRule(rule: ThresholdRule): string {
  switch (rule.kind) {
    case 'mean':
      return `mean:${rule.k}`;
    case 'pct':
      return `pct:${rule.p}`;
    case 'mad':
      return `mad:${rule.z}`;
    case 'rate':
      return `rate:${rule.rate}`;
    case 'value':
      return `value:${rule.value}`;
    case 'tail':
      return `tail:${rule.alpha}`;
    case 'youden':
      return 'youden';
  }
}
