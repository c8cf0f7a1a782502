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
  DEFAULT_TRAIN_SAMPLES,
  MODEL_PRESETS,
  NORM_PRESETS,
  PAPER_TRAIN,
  DEFAULT_BUDGET_MINUTES,
  DEFAULT_REBUILD_MAX,
  PAPER_SCORE,
  PAPER_RULE,
  formatRule,
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
import type { OrtChoice } from './backend';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}

export interface ScanArgs {
  encoder: string;
  images: string;
  out: string;
  aux: string | null;
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
  /** Only what the user gave; the model and core defaults fill the rest. */
  pre: Partial<PreprocessOptions>;
  train: TrainOptions;
  score: ScoreOptions;
  rule: ThresholdRule;
}

export const SCAN_HELP = `Usage: dede scan --encoder <model.onnx | model.json> --images <dir> --out <scores.csv> [options]

Find backdoor (poisoned) images for a self-supervised image encoder with DeDe: train a decoder
that rebuilds each image from the encoder's embedding, and score each image by how badly it is
rebuilt. Triggered images embed to the attacker's target and score high.

Required:
  --encoder <file>       ONNX encoder (torch.onnx.export) or TensorFlow.js model.json (with its
                         weight shards next to it), or a folder holding model.json
  --images <dir>         suspect images (PNG, JPEG, WebP, BMP), searched recursively
  --out <file>           scores CSV: file,score,flagged,flagged_by,<witness scores>, highest
                         score first

Encoder input (read from the model where it fixes them):
  --size <px>            input side in pixels (required when the model's size is dynamic)
  --layout nchw|nhwc     channel layout (required when the model does not fix it)
  --norm <preset>        normalisation preset: ${Object.keys(NORM_PRESETS).join(', ')} (default none)
  --mean r,g,b           per-channel mean on [0,1] pixels (overrides --norm)
  --std r,g,b            per-channel std (overrides --norm)
  --pooling mean|first   how outputs of rank > 2 become one vector (default ${DEFAULT_PREPROCESS.pooling})
  --output <name>        the model output to use as the embedding (default: the first output
                         of shape [batch, D], else the first; e.g. image_embeds for CLIP)
  --ort auto|node|web    ONNX runtime: onnxruntime-node's native CPU kernels when installed
                         (auto, default), or onnxruntime-web's wasm build
  --background r,g,b     colour (0-255) transparent pixels are flattened onto (default ${DEFAULT_PREPROCESS.background.join(',')})

Decoder:
  --aux <dir>            train the decoder on this folder instead of the suspect images
  --max-train-images N   most images each decoder trains on, a seeded sample; every image is
                         still scored (default ${DEFAULT_TRAIN.maxTrainImages}; 0 = all)
  --train-threads N      threads training the cross-fitted decoders at once, one tfjs-wasm
                         per thread (default: one per core, at most --folds; 1 = one thread)
  --rebuild-size <px>    side the decoder rebuilds, a multiple of its patch (4), at most the
                         encoder's size (default: the encoder's size up to ${DEFAULT_REBUILD_MAX} px; a 224-px
                         encoder's inputs are area-averaged to ${DEFAULT_REBUILD_MAX} px for the decoder)
  --preset fast|paper    decoder size (default ${DEFAULT_TRAIN.preset}; paper = the authors' settings)
  --epochs N             training epochs (default for fast: ${DEFAULT_TRAIN_SAMPLES} training samples' worth,
                         ${DEFAULT_TRAIN.epochs}-40 epochs, ${DEFAULT_TRAIN.epochs} for 1,000 images; ${PAPER_TRAIN.epochs} for paper)
  --budget MINUTES       stop training at the first epoch end after this long (default
                         ${DEFAULT_BUDGET_MINUTES} for fast, none for paper; 0 = no limit)
  --batch N              training batch size (default ${DEFAULT_TRAIN.batch} for fast, ${PAPER_TRAIN.batch} for paper)
  --seed N               random seed (default ${DEFAULT_TRAIN.seed})
  --folds K              cross-fit K decoders, each scoring the images it did not train on
                         (default ${DEFAULT_TRAIN.folds} for fast, ${PAPER_TRAIN.folds} for paper; no effect with --aux)
  --masks K              average each score over K random masks (default ${DEFAULT_SCORE.masks})

Scoring and verdict:
  --score counterfactual|raw
                         DeDe's score: own rebuild error / best error from R other images'
                         embeddings (default ${DEFAULT_SCORE.kind}), or the paper's raw sum of
                         squared error (raw; also the paper preset's)
  --draws R              other images' embeddings per image for the counterfactual (default ${DEFAULT_SCORE.draws})
  --statistic min|mean   how those R errors are summarised (default ${DEFAULT_SCORE.statistic})
  --witnesses LIST       any of dede, density, lookalike, comma-separated (default
                         ${DEFAULT_SCORE.witnesses.join(',')}; raw: dede): density = similarity to the
                         20th-nearest embedding; lookalike = pixel distance (each image's mean
                         removed) to the 100 embedding-nearest images / to the 200 pixel-nearest;
                         the score column is then the z of the witness that speaks (--combine)
  --combine max|heaviest how voting witnesses make the verdict (default ${DEFAULT_SCORE.combine}): max = the
                         largest z over every witness with an excess tail; heaviest = only the
                         witness with the most images in its upper tail speaks
  --checkpoint <file>    save the decoder after each epoch; resume from it if it exists

Threshold and output:
  --rule <rule>          tail:0.01 | mean:1.5 | pct:99 | mad:3.5 | rate:0.05 | value:X | youden
                         (default ${formatRule(DEFAULT_RULE)}: flag beyond a robust fit of the bulk at
                         that false-alarm rate; ${formatRule(PAPER_RULE)} with --score raw or the paper
                         preset; youden needs --labels)
  --labels <csv>         ground truth with columns file,poisoned: adds AUROC, AUPRC, TPR at
                         1% and 5% FPR and the confusion at the threshold
  --json <file>          summary: counts, rule, threshold, settings, timings, power, metrics
  --report <file.html>   one self-contained HTML report (opens offline, printable): settings,
                         histogram, witnesses, trigger hint, top flagged rebuilds, flagged list
  --no-cache             do not read or write the embedding cache (.cache/dede/ under the
                         current folder, or $XDG_CACHE_HOME/dede)
  --force                replace output files that are read-only (outputs are never
                         allowed to be an input: the encoder, labels or an image)
  --quiet                no progress or settings on stderr (errors and warnings still)
  -h, --help             this text

Exit codes: 0 done, 1 failed (bad model, no usable images, ...), 2 wrong usage.
Set DEDE_DEBUG=1 for stack traces.`;

export const MAIN_HELP = `Usage: dede <command> [options]

Commands:
  scan     score a folder of images for backdoor triggers (dede scan --help)

DeDe Studio: find poisoned samples for self-supervised image encoders with DeDe decoders.`;

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
  size: { type: 'string' },
  layout: { type: 'string' },
  norm: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  pooling: { type: 'string' },
  output: { type: 'string' },
  ort: { type: 'string' },
  'rebuild-size': { type: 'string' },
  'train-threads': { type: 'string' },
  'max-train-images': { type: 'string' },
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
    seed: intArg('seed', str('seed'), 0) ?? base.seed,
    folds: intArg('folds', str('folds'), 1) ?? base.folds,
    rebuildSize: intArg('rebuild-size', str('rebuild-size'), 4) ?? base.rebuildSize,
    maxTrainImages: maxTrainArg(str('max-train-images'), base.maxTrainImages),
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
    combine: oneOf<ScoreOptions['combine']>('combine', str('combine'), ['max', 'heaviest']) ?? baseScore.combine,
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
    epochsGiven: str('epochs') !== undefined,
    budgetSeconds: budgetArg(str('budget'), preset === 'paper'),
    pre,
    train,
    score,
    rule,
  };
}
