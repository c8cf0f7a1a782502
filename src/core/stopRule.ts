/**
 * A label-free stopping rule for decoder training (issue 7, item 4): train until the held-out
 * decoder power (power.ts) reaches `target`, checked at every epoch end, within at most
 * EXTRA_EPOCHS x the planned epochs (and, in the CLI, the time budget).
 *
 * Why power, and why this target (README "A label-free stopping rule"): measured per epoch on
 * six folders without poison (every clean-encoder control and the clean folder), DeDe's
 * counterfactual score has a heavy upper tail while the decoder is immature: 7-12% of images
 * above z(1%) at power 0.70-0.80, up to 7.0% at 0.80-0.825, at most 4.2% from 0.825 on. On the
 * backdoored fixtures the tail stays at 4-8% at the same powers. So DeDe's tail says something
 * about the folder only from a mature decoder on, and a fixed epoch count leaves some folders
 * short of it (the colour fixture's decoders were at power 0.78 after the default 12 epochs)
 * and trains others (a 400-image folder: 30 epochs, power 0.91) far past it.
 *
 * The rule applies to cross-fitted decoders only: each image is then scored by a decoder that
 * never saw it, so the power is measured on held-out images. One trained on an auxiliary folder
 * keeps its fixed epochs.
 */
import type { DecoderSet } from './decoderSet';
import type { TrainData } from './model';
import type { MaskScoring } from './model/score';
import { decoderPower, DEFAULT_POWER, type PowerOptions } from './power';

/**
 * The rule may train up to this many times the planned epochs while the power is short of the
 * target. Measured at the defaults (1,000 images, 12 planned epochs): the decoders that reached
 * 0.85 did so by epoch 15; those that did not (CTRL-style, the colour fixture and its control)
 * gained at most 0.01 of power from epoch 15 to 18 (they plateau at 0.79-0.84).
 */
export const EXTRA_EPOCHS = 1.25;

/** Never stop before this many epochs (the power of a 1- or 2-epoch decoder is near 0.5 anyway). */
const MIN_EPOCHS = 2;

export interface PowerCheck {
  epoch: number;
  power: number;
}

export interface StopRule {
  /** The power to reach. */
  readonly target: number;
  /** Most epochs the rule may train for `planned` epochs. */
  maxEpochs(planned: number): number;
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
    maxEpochs: (planned) => Math.max(planned, Math.round(EXTRA_EPOCHS * planned)),
    async check(s, epoch) {
      const p = await decoderPower(s, data, score, true, {}, opts);
      if (!p) return true;
      history.push({ epoch, power: p.auroc });
      return epoch >= MIN_EPOCHS && p.auroc >= target;
    },
  };
}

/** One line for the CLI and the app: how training ended under the rule. */
export function stopRuleSentence(rule: StopRule, planned: number, epochs: number): string | null {
  const last = rule.history[rule.history.length - 1];
  if (!last) return null;
  const p = last.power.toFixed(3);
  if (last.power >= rule.target) {
    return epochs < planned
      ? `training stopped after ${epochs} of ${planned} planned epochs: the held-out decoder power reached ${p} (target ${rule.target})`
      : epochs > planned
        ? `training went on past the ${planned} planned epochs to ${epochs}, until the held-out decoder power reached ${p} (target ${rule.target})`
        : null;
  }
  return `the held-out decoder power is ${p} after ${epochs} epochs, short of the target ${rule.target} (at most ${rule.maxEpochs(planned)} epochs${epochs < rule.maxEpochs(planned) ? ', the time budget ended training' : ''}): DeDe's witness does not vote; train longer (--epochs) for it to`;
}
