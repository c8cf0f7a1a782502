/**
 * A label-free stopping rule for decoder training (issue 7, item 4): training ends at the first
 * epoch end where the held-out decoder power (power.ts) reaches `target`, and at the planned
 * epochs at the latest (and, in the CLI, the time budget).
 *
 * Why power, and why this target (README "A label-free stopping rule"): measured per epoch at
 * two seeds on six folders without poison (every clean-encoder control and the clean folder),
 * DeDe's counterfactual score has a heavy upper tail while the decoder is immature: up to 11.8%
 * of images above z(1%) at power 0.70-0.80, 7.0% at 0.80-0.825 and 5.2% at 0.825-0.85, past or
 * at DeDe's measured clean maximum; from 0.85 on at most 4.2%. So DeDe's witness votes only from
 * MATURE_POWER (options.ts) on, and training past it buys no safety. Training past the planned
 * epochs to reach it was measured too (up to 1.25x) and lowered DeDe's ranking at both seeds
 * (mean over five fixtures 0.748 / 0.752 against 0.759 / 0.787), so the planned epochs stay the
 * most; a folder whose decoders are not mature by then gets no vote from DeDe, and says so.
 *
 * The rule applies to cross-fitted decoders only: each image is then scored by a decoder that
 * never saw it, so the power is measured on held-out images. One trained on an auxiliary folder
 * keeps its fixed epochs.
 */
import type { DecoderSet } from './decoderSet';
import type { TrainData } from './model';
import type { MaskScoring } from './model/score';
import { decoderPower, DEFAULT_POWER, type PowerOptions } from './power';

/** Never stop before this many epochs (the power of a 1-epoch decoder is near 0.5 anyway). */
const MIN_EPOCHS = 2;

export interface PowerCheck {
  epoch: number;
  power: number;
}

export interface StopRule {
  /** The power to reach. */
  readonly target: number;
  /** Measures the set's power after `epoch` epochs; true when training may stop. */
  check(set: DecoderSet, epoch: number): Promise<boolean>;
  /** Every check so far, in order. */
  readonly history: PowerCheck[];
}

/**
 * The power rule on `data` (the scored folder the set's folds split). Null without a target or
 * for a set that does not hold out (no folds), so callers can pass the result straight on.
 */
export function powerStopRule(
  set: DecoderSet,
  data: TrainData,
  score: MaskScoring,
  target: number | null,
  opts: PowerOptions = DEFAULT_POWER,
): StopRule | null {
  if (target === null || !set.parts) return null;
  const history: PowerCheck[] = [];
  return {
    target,
    history,
    async check(s, epoch) {
      const p = await decoderPower(s, data, score, true, {}, opts);
      if (!p) return true;
      history.push({ epoch, power: p.auroc });
      return epoch >= MIN_EPOCHS && p.auroc >= target;
    },
  };
}

/** One line for the CLI and the app: how training ended under the rule (null: at the planned epochs, target reached). */
export function stopRuleSentence(rule: StopRule, planned: number, epochs: number): string | null {
  const last = rule.history[rule.history.length - 1];
  if (!last) return null;
  const p = last.power.toFixed(3);
  if (last.power >= rule.target) {
    return epochs < planned ? `training stopped after ${epochs} of ${planned} epochs: the held-out decoder power reached ${p} (target ${rule.target})` : null;
  }
  return `the held-out decoder power is ${p} after ${epochs} epochs, short of the target ${rule.target}: DeDe's witness does not vote; a clean folder of the same kind to train on (auxiliary folder, --aux) or longer training (--epochs) lets it`;
}
