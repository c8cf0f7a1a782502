import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE, DEFAULT_SCORE, DEFAULT_TRAIN, DEFAULT_TRAIN_ON, NORM_PRESETS, PAPER_TRAIN } from '../core/options';
import { UsageError, parseScanArgs } from './args';

const base = ['--encoder', 'm.onnx', '--images', 'imgs', '--out', 's.csv'];

describe('parseScanArgs', () => {
  it('leaves what the user did not give to the model and core defaults', () => {
    const a = parseScanArgs(base)!;
    expect(a).toMatchObject({ encoder: 'm.onnx', images: 'imgs', out: 's.csv', aux: null, labels: null, json: null, cache: true });
    expect(a.pre).toEqual({});
    expect(a.train).toEqual(DEFAULT_TRAIN);
    expect(a.score).toEqual(DEFAULT_SCORE);
    expect(a.rule).toEqual(DEFAULT_RULE);
  });

  it('--train-on aux|both goes with --aux, and is refused without it', () => {
    expect(parseScanArgs(base)!.trainOn).toBe(DEFAULT_TRAIN_ON);
    expect(parseScanArgs([...base, '--aux', 'clean', '--train-on', 'both'])!).toMatchObject({ aux: 'clean', trainOn: 'both' });
    expect(parseScanArgs([...base, '--aux', 'clean', '--train-on', 'aux'])!.trainOn).toBe('aux');
    expect(() => parseScanArgs([...base, '--train-on', 'both'])).toThrow(/--train-on both needs --aux/);
    expect(() => parseScanArgs([...base, '--aux', 'clean', '--train-on', 'suspect'])).toThrow(/expected one of aux, both/);
  });

  it('reads preprocessing, training and rule flags', () => {
    const a = parseScanArgs([
      ...base,
      '--size', '64', '--layout', 'nhwc', '--norm', 'imagenet', '--std', '0.5,0.5,0.5',
      '--epochs', '3', '--batch', '16', '--seed', '7', '--masks', '4', '--rule', 'pct:99', '--no-cache',
    ])!;
    expect(a.pre).toEqual({ size: 64, layout: 'nhwc', mean: NORM_PRESETS.imagenet.mean, std: [0.5, 0.5, 0.5] });
    expect(a.train).toMatchObject({ epochs: 3, batch: 16, seed: 7, preset: DEFAULT_TRAIN.preset });
    expect(a.score.masks).toBe(4);
    expect(a.rule).toEqual({ kind: 'pct', p: 99 });
    expect(a.cache).toBe(false);
  });

  it('takes every paper setting with --preset paper, flags still winning', () => {
    expect(parseScanArgs([...base, '--preset', 'paper'])!.train).toEqual(PAPER_TRAIN);
    expect(parseScanArgs([...base, '--preset', 'paper', '--epochs', '5'])!.train).toEqual({ ...PAPER_TRAIN, epochs: 5 });
    expect(parseScanArgs([...base, '--preset', 'paper', '--train-mask', '0.99'])!.train).toEqual({ ...PAPER_TRAIN, trainMask: 0.99 });
    expect(() => parseScanArgs([...base, '--train-mask', '1'])).toThrow(/--train-mask 1: expected a mask ratio between 0 and 1/);
  });

  it('takes the training engine: ONNX Runtime by default, tfjs on request', () => {
    expect(parseScanArgs(base)!.trainEngine).toBe('ort');
    expect(parseScanArgs([...base, '--train-engine', 'tfjs'])!.trainEngine).toBe('tfjs');
    expect(() => parseScanArgs([...base, '--train-engine', 'torch'])).toThrow(/--train-engine/);
  });

  it('trains until the decoder is mature by default; an explicit --epochs N means exactly N unless --until-power says otherwise', () => {
    expect(parseScanArgs(base)!.train.untilPower).toBe(0.85);
    expect(parseScanArgs([...base, '--epochs', '5'])!.train.untilPower).toBeNull();
    expect(parseScanArgs([...base, '--epochs', '5', '--until-power', '0.9'])!.train).toMatchObject({ epochs: 5, untilPower: 0.9 });
    expect(parseScanArgs([...base, '--until-power', 'off'])!.train.untilPower).toBeNull();
    expect(parseScanArgs([...base, '--preset', 'paper'])!.train.untilPower).toBeNull();
    expect(() => parseScanArgs([...base, '--until-power', '1.2'])).toThrow(/--until-power 1.2: expected a held-out decoder power between 0.5 and 1 \(e.g. 0.85\), or off/);
  });

  it('returns null for --help and throws UsageError for mistakes', () => {
    expect(parseScanArgs(['--help'])).toBeNull();
    const bad: [string[], RegExp][] = [
      [['--encoder', 'm.onnx'], /--images is required/],
      [[...base, '--size', '3.5'], /--size 3.5: expected a whole number >= 1/],
      [[...base, '--layout', 'chw'], /--layout chw: expected one of nchw, nhwc/],
      [[...base, '--mean', '1,2'], /--mean 1,2: expected three numbers/],
      [[...base, '--std', '0,1,1'], /--std 0,1,1: expected three positive numbers/],
      [[...base, '--rule', 'youden'], /--rule youden needs --labels/],
      [[...base, '--rule', 'median'], /threshold rule "median" is unknown/],
      [[...base, '--epochs'], /argument missing/],
      [[...base, 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseScanArgs(argv)).toThrow(UsageError);
      expect(() => parseScanArgs(argv)).toThrow(message);
    }
  });
});
