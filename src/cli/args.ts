/**
 * `dede scan` arguments: parsing and validation into the core's option types. Defaults are
 * never restated here: what the user leaves out stays undefined and core's defaults apply.
 */
import { parseArgs } from 'node:util';
import { WITNESS_NAMES } from '../core/witnesses';
import {
  DEFAULT_PREPROCESS,
  DEFAULT_RULE,
  DEFAULT_SCORE,
  DEFAULT_TRAIN,
  MODEL_PRESETS,
  NORM_PRESETS,
  PAPER_TRAIN,
  DEFAULT_BUDGET_MINUTES,
  DEFAULT_TRAIN_ON,
  PAPER_SCORE,
  PAPER_RULE,
  parseRule,
  type Layout,
  type NormPreset,
  type Pooling,
  type PresetName,
  type PreprocessOptions,
  type RGB,
  type ScoreOptions,
  type ThresholdRule,
  type TrainOptions,
} from '../core/options';
import { checkNormalisation } from '../core/encoder/resolve';
import type { OrtChoice, TrainEngineChoice } from './backend';
import type { AuxTrainSource } from '../core/foldData';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}

export interface ScanArgs {
  encoder: string;
  images: string;
  out: string;
  aux: string | null;
  /** With --aux: train on it alone ('aux') or beside the suspect folder ('both'). */
  trainOn: AuxTrainSource;
  labels: string | null;
  json: string | null;
  /** Self-contained HTML report (core/report.ts). */
  report: string | null;
  checkpoint: string | null;
  cache: boolean;
  quiet: boolean;
  /** Replace read-only output files. */
  force: boolean;
  /** True when --epochs was given (else the default scales with the folder, options.defaultEpochsFor). */
  epochsGiven: boolean;
  /** Training time budget in seconds (null: none). */
  budgetSeconds: number | null;
  /** Threads that train cross-fitted decoders at once (null: one per core, up to the folds). */
  trainThreads: number | null;
  /** The model output used as the embedding (null: chooseOutput's default). */
  output: string | null;
  ort: OrtChoice;
  /** What trains the decoder: ONNX Runtime (the runtime `ort` picks) or tfjs. */
  trainEngine: TrainEngineChoice;
  /** Only what the user gave; the model and core defaults fill the rest. */
  pre: Partial<PreprocessOptions>;
  train: TrainOptions;
  score: ScoreOptions;
  rule: ThresholdRule;
}

export { MAIN_HELP, SCAN_HELP } from './help';

function intArg(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} ${text}: expected a whole number >= ${min}`);
  return n;
}

function rgbArg(name: string, text: string | undefined, positive = false): RGB | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v) || (positive && v <= 0))) {
    throw new UsageError(`--${name} ${text}: expected three ${positive ? 'positive ' : ''}numbers r,g,b, e.g. 0.5,0.5,0.5`);
  }
  return parts as RGB;
}

function oneOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!allowed.includes(text as T)) throw new UsageError(`--${name} ${text}: expected one of ${allowed.join(', ')}`);
  return text as T;
}

const SCAN_OPTIONS = {
  encoder: { type: 'string' },
  images: { type: 'string' },
  out: { type: 'string' },
  aux: { type: 'string' },
  'train-on': { type: 'string' },
  size: { type: 'string' },
  layout: { type: 'string' },
  norm: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  pooling: { type: 'string' },
  output: { type: 'string' },
  ort: { type: 'string' },
  'train-engine': { type: 'string' },
  'rebuild-size': { type: 'string' },
  'train-threads': { type: 'string' },
  'max-train-images': { type: 'string' },
  trim: { type: 'string' },
  'until-power': { type: 'string' },
  'train-mask': { type: 'string' },
  background: { type: 'string' },
  preset: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  folds: { type: 'string' },
  masks: { type: 'string' },
  score: { type: 'string' },
  draws: { type: 'string' },
  statistic: { type: 'string' },
  combine: { type: 'string' },
  witnesses: { type: 'string' },
  rule: { type: 'string' },
  labels: { type: 'string' },
  json: { type: 'string' },
  report: { type: 'string' },
  checkpoint: { type: 'string' },
  'no-cache': { type: 'boolean' },
  quiet: { type: 'boolean' },
  force: { type: 'boolean' },
  budget: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function maxTrainArg(text: string | undefined, fallback: number | null): number | null {
  const n = intArg('max-train-images', text, 0);
  if (n === undefined) return fallback;
  return n === 0 ? null : n;
}

function trimArg(text: string | undefined, fallback: TrainOptions['trim']): TrainOptions['trim'] {
  if (text === undefined) return fallback;
  if (text === 'tail') return 'tail';
  const v = Number(text);
  if (!(Number.isFinite(v) && v >= 0 && v <= 0.5)) throw new UsageError(`--trim ${text}: expected a share of the images between 0 and 0.5 (e.g. 0.1), or tail`);
  return v;
}

/** --train-on aux|both: only with --aux (default DEFAULT_TRAIN_ON). */
function trainOnArg(text: string | undefined, auxGiven: boolean): AuxTrainSource {
  if (text === undefined) return DEFAULT_TRAIN_ON;
  if (!auxGiven) throw new UsageError(`--train-on ${text} needs --aux <dir> (the auxiliary clean folder)`);
  return oneOf<AuxTrainSource>('train-on', text, ['aux', 'both'])!;
}

/** --until-power P|off; without it, an explicit --epochs N means exactly N epochs. */
function untilPowerArg(text: string | undefined, fallback: number | null, epochsGiven: boolean): number | null {
  if (text === undefined) return epochsGiven ? null : fallback;
  if (text === 'off' || text === '0') return null;
  const v = Number(text);
  if (!(Number.isFinite(v) && v > 0.5 && v < 1)) throw new UsageError(`--until-power ${text}: expected a held-out decoder power between 0.5 and 1 (e.g. 0.85), or off`);
  return v;
}

function trainMaskArg(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(Number.isFinite(v) && v > 0 && v < 1)) throw new UsageError(`--train-mask ${text}: expected a mask ratio between 0 and 1 (e.g. 0.9, the paper's; 0.99, the default)`);
  return v;
}

function budgetArg(text: string | undefined, paper: boolean): number | null {
  if (text === undefined) return paper ? null : DEFAULT_BUDGET_MINUTES * 60;
  const m = Number(text);
  if (!Number.isFinite(m) || m < 0) throw new UsageError(`--budget ${text}: expected minutes >= 0 (0 = no limit)`);
  return m === 0 ? null : m * 60;
}

/** Parses `scan`'s arguments; returns null when help was asked for. Throws UsageError. */
export function parseScanArgs(argv: string[]): ScanArgs | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: SCAN_OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    // node:util's messages are clear but long; keep their first sentence.
    const msg = err instanceof Error ? err.message.split('. ')[0].replace(/\.$/, '') : String(err);
    throw new UsageError(msg.charAt(0).toLowerCase() + msg.slice(1));
  }
  if (values.help) return null;
  const str = (k: string) => values[k] as string | undefined;
  for (const required of ['encoder', 'images', 'out']) {
    if (!str(required)) throw new UsageError(`--${required} is required`);
  }

  const normName = oneOf('norm', str('norm'), Object.keys(NORM_PRESETS) as NormPreset[]);
  const norm = normName ? NORM_PRESETS[normName] : undefined;
  const pre: Partial<PreprocessOptions> = {};
  const size = intArg('size', str('size'), 1);
  if (size !== undefined) pre.size = size;
  const layout = oneOf<Layout>('layout', str('layout'), ['nchw', 'nhwc']);
  if (layout) pre.layout = layout;
  const mean = rgbArg('mean', str('mean')) ?? norm?.mean;
  if (mean) pre.mean = [...mean] as RGB;
  const std = rgbArg('std', str('std'), true) ?? norm?.std;
  if (std) pre.std = [...std] as RGB;
  const pooling = oneOf<Pooling>('pooling', str('pooling'), ['mean', 'first']);
  if (pooling) pre.pooling = pooling;
  const background = rgbArg('background', str('background'));
  if (background) pre.background = background;

  try {
    checkNormalisation({ ...DEFAULT_PREPROCESS, ...pre });
  } catch (err) {
    // Word the core's rule with the flag names the user typed.
    throw new UsageError(`--${(err as Error).message}`);
  }

  const preset = oneOf<PresetName>('preset', str('preset'), Object.keys(MODEL_PRESETS) as PresetName[]);
  const base: TrainOptions = preset === 'paper' ? { ...PAPER_TRAIN } : { ...DEFAULT_TRAIN };
  const train: TrainOptions = {
    ...base,
    epochs: intArg('epochs', str('epochs'), 1) ?? base.epochs,
    batch: intArg('batch', str('batch'), 1) ?? base.batch,
    trainMask: trainMaskArg(str('train-mask'), base.trainMask),
    seed: intArg('seed', str('seed'), 0) ?? base.seed,
    folds: intArg('folds', str('folds'), 1) ?? base.folds,
    rebuildSize: intArg('rebuild-size', str('rebuild-size'), 4) ?? base.rebuildSize,
    maxTrainImages: maxTrainArg(str('max-train-images'), base.maxTrainImages),
    trim: trimArg(str('trim'), base.trim),
    untilPower: untilPowerArg(str('until-power'), base.untilPower, str('epochs') !== undefined),
  };
  // The paper preset is the authors' settings throughout: raw score, DeDe alone, mean:1.5.
  const baseScore = preset === 'paper' ? PAPER_SCORE : DEFAULT_SCORE;
  const kind = oneOf<ScoreOptions['kind']>('score', str('score'), ['counterfactual', 'raw']) ?? baseScore.kind;
  const witnessList = str('witnesses')?.split(',').map((w) => w.trim());
  if (witnessList && (witnessList.length === 0 || witnessList.some((w) => !(WITNESS_NAMES as readonly string[]).includes(w)))) {
    throw new UsageError(`--witnesses ${str('witnesses')}: expected a comma-separated list of ${WITNESS_NAMES.join(', ')}`);
  }
  const score: ScoreOptions = {
    ...baseScore,
    kind,
    // --score raw alone means the paper's score: DeDe as the only witness unless --witnesses says otherwise.
    witnesses: (witnessList as ScoreOptions['witnesses'] | undefined) ?? (kind === 'raw' ? ['dede'] : baseScore.witnesses),
    masks: intArg('masks', str('masks'), 1) ?? baseScore.masks,
    draws: intArg('draws', str('draws'), 1) ?? baseScore.draws,
    statistic: oneOf<ScoreOptions['statistic']>('statistic', str('statistic'), ['min', 'mean']) ?? baseScore.statistic,
    combine: oneOf<ScoreOptions['combine']>('combine', str('combine'), ['join', 'excess', 'heaviest', 'max']) ?? baseScore.combine,
  };

  const calibrated = !(score.kind === 'raw' && score.witnesses.length === 1);
  let rule = calibrated ? DEFAULT_RULE : PAPER_RULE;
  if (str('rule') !== undefined) {
    try {
      rule = parseRule(str('rule')!);
    } catch (err) {
      throw new UsageError(`--rule: ${(err as Error).message}`);
    }
  }
  if (rule.kind === 'youden' && !str('labels')) throw new UsageError('--rule youden needs --labels');

  return {
    encoder: str('encoder')!,
    images: str('images')!,
    out: str('out')!,
    aux: str('aux') ?? null,
    trainOn: trainOnArg(str('train-on'), str('aux') !== undefined),
    labels: str('labels') ?? null,
    json: str('json') ?? null,
    report: str('report') ?? null,
    checkpoint: str('checkpoint') ?? null,
    cache: !values['no-cache'],
    quiet: Boolean(values.quiet),
    force: Boolean(values.force),
    output: str('output') ?? null,
    trainThreads: intArg('train-threads', str('train-threads'), 1) ?? null,
    ort: oneOf<OrtChoice>('ort', str('ort'), ['auto', 'node', 'web']) ?? 'auto',
    trainEngine: oneOf<TrainEngineChoice>('train-engine', str('train-engine'), ['ort', 'tfjs']) ?? 'ort',
    epochsGiven: str('epochs') !== undefined,
    budgetSeconds: budgetArg(str('budget'), preset === 'paper'),
    pre,
    train,
    score,
    rule,
  };
}
