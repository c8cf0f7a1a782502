import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, MATURE_POWER, PAPER_TRAIN, type ModelConfig, type TrainOptions } from './options';
import { createDecoderSet, disposeDecoderSet, trainDecoderSet, type DecoderSet } from './decoderSet';
import { decoderPower } from './power';
import { powerStopRule, stopRuleSentence, type StopRule } from './stopRule';
import { synthTrainData } from './testData';

const CFG: ModelConfig = { patch: 4, dim: 16, heads: 2, encDepth: 1, decDepth: 1, mlpRatio: 4 };
const OPTS: TrainOptions = { ...DEFAULT_TRAIN, epochs: 4, batch: 8, folds: 2, trainMask: 0.75, seed: 3 };
const SCORE = { scoreMask: 0.75, masks: 1, seed: 3 };
const data = synthTrainData(24, 8, 7);
const fresh = () => createDecoderSet({ imageSize: 8, embDim: 6 }, OPTS, 24, true, CFG);
const epochs = (set: DecoderSet) => set.states.map((s) => s.epoch);

/** A rule that says "enough" from epoch `at` on (Infinity: never), recording what it was asked. */
function scripted(at: number): StopRule & { asked: number[] } {
  const asked: number[] = [];
  return {
    target: 0.85,
    history: [],
    asked,
    async check(_set, epoch) {
      asked.push(epoch);
      return epoch >= at;
    },
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the label-free stopping rule', () => {
  it('is the default for the product, not for the paper preset', () => {
    expect(DEFAULT_TRAIN.untilPower).toBe(MATURE_POWER);
    expect(MATURE_POWER).toBe(0.85);
    expect(PAPER_TRAIN.untilPower).toBeNull();
  });

  it('ends training at the first epoch it is met, before the planned epochs', async () => {
    const set = fresh();
    const rule = scripted(2);
    const out = await trainDecoderSet(set, data, OPTS, { stopRule: rule });
    expect(out).toEqual({ stopped: false, ruleHit: true });
    expect(epochs(set)).toEqual([2, 2]);
    expect(rule.asked).toEqual([1, 2]);
    disposeDecoderSet(set);
  });

  it('never trains past the planned epochs, checking after each of them', async () => {
    const set = fresh();
    const rule = scripted(Infinity);
    const out = await trainDecoderSet(set, data, OPTS, { stopRule: rule });
    expect(out.ruleHit).toBeUndefined();
    expect(epochs(set)).toEqual([4, 4]);
    expect(rule.asked).toEqual([1, 2, 3, 4]);
    disposeDecoderSet(set);
  });

  it('does not train a resumed set that already meets it, and without a rule trains exactly the planned epochs', async () => {
    const set = fresh();
    await trainDecoderSet(set, data, { ...OPTS, epochs: 2 });
    expect(epochs(set)).toEqual([2, 2]);
    const rule = scripted(1);
    expect(await trainDecoderSet(set, data, OPTS, { stopRule: rule })).toEqual({ stopped: false, ruleHit: true });
    expect(epochs(set)).toEqual([2, 2]);
    expect(rule.asked).toEqual([2]);
    await trainDecoderSet(set, data, OPTS);
    expect(epochs(set)).toEqual([4, 4]);
    disposeDecoderSet(set);
  });

  it('reads the held-out power of the set, exactly as the power phase measures it', async () => {
    const set = fresh();
    const rule = powerStopRule(set, data, SCORE, 0.99)!;
    await trainDecoderSet(set, data, { ...OPTS, epochs: 3 }, { stopRule: rule });
    // 0.99 is out of reach here: the 3 planned epochs, one check each.
    expect(rule.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    const power = await decoderPower(set, data, SCORE, true);
    expect(rule.history[2].power).toBeCloseTo(power!.auroc, 10);
    expect(stopRuleSentence(rule, 3, 3)).toBe(
      `the held-out decoder power is ${power!.auroc.toFixed(3)} after 3 epochs, short of the target 0.99: DeDe's witness does not vote; a clean folder of the same kind to train on (auxiliary folder, --aux) or longer training (--epochs) lets it`,
    );
    disposeDecoderSet(set);
  });

  it('applies to cross-fitted decoders only, and not without a target', () => {
    const one = createDecoderSet({ imageSize: 8, embDim: 6 }, { ...OPTS, folds: 1 }, 24, true, CFG);
    expect(powerStopRule(one, data, SCORE, 0.85)).toBeNull();
    const set = fresh();
    expect(powerStopRule(set, data, SCORE, null)).toBeNull();
    disposeDecoderSet(one);
    disposeDecoderSet(set);
  });

  it('says how training ended in words', () => {
    const rule = scripted(0);
    rule.history.push({ epoch: 9, power: 0.8612 });
    expect(stopRuleSentence(rule, 12, 9)).toBe('training stopped after 9 of 12 epochs: the held-out decoder power reached 0.861 (target 0.85)');
    expect(stopRuleSentence(rule, 9, 9)).toBeNull();
    rule.history.push({ epoch: 12, power: 0.8371 });
    expect(stopRuleSentence(rule, 12, 12)).toBe("the held-out decoder power is 0.837 after 12 epochs, short of the target 0.85: DeDe's witness does not vote; a clean folder of the same kind to train on (auxiliary folder, --aux) or longer training (--epochs) lets it");
  });
});
