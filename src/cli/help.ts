/** `dede` and `dede scan --help`: the text states core's defaults, read from core, never restated. */
import {
  DEFAULT_BUDGET_MINUTES,
  DEFAULT_PREPROCESS,
  DEFAULT_REBUILD_MAX,
  DEFAULT_RULE,
  DEFAULT_SCORE,
  DEFAULT_TRAIN,
  DEFAULT_TRAIN_SAMPLES,
  DEFAULT_TRAIN_ON,
  MATURE_POWER,
  NORM_PRESETS,
  PAPER_RULE,
  PAPER_TRAIN,
  formatRule,
} from '../core/options';

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
  --aux <dir>            an auxiliary folder of clean images (same kind as the scanned ones)
  --train-on aux|both    with --aux: aux = one decoder trained on it instead of the scanned
                         images; both = the cross-fitted decoders train on their folds of
                         the scanned images plus every auxiliary image (default ${DEFAULT_TRAIN_ON})
  --max-train-images N   most images each decoder trains on, a seeded sample; every image is
                         still scored (default ${DEFAULT_TRAIN.maxTrainImages}; 0 = all)
  --trim SHARE           keep this share of the images, the most suspicious to the
                         decoder-free witnesses, out of the cross-fitted decoders' training;
                         they are still scored (default ${DEFAULT_TRAIN.trim}; paper 0)
  --train-threads N      threads that train (default: one per core): the cross-fitted
                         decoders train at once, one per thread up to --folds, and ONNX
                         Runtime shares the rest out among them (1 = one thread in all)
  --train-engine ort|tfjs  what runs the training steps: ONNX Runtime (the runtime --ort
                         picks; default, several times faster on a CPU) or tfjs-wasm; the
                         same step either way, equal to float rounding
  --rebuild-size <px>    side the decoder rebuilds, a multiple of its patch (4), at most the
                         encoder's size (default: the encoder's size up to ${DEFAULT_REBUILD_MAX} px; a 224-px
                         encoder's inputs are area-averaged to ${DEFAULT_REBUILD_MAX} px for the decoder)
  --preset fast|paper    decoder size (default ${DEFAULT_TRAIN.preset}; paper = the authors' settings)
  --epochs N             training epochs (default for fast: ${DEFAULT_TRAIN_SAMPLES} training samples' worth,
                         ${DEFAULT_TRAIN.epochs}-40 epochs, ${DEFAULT_TRAIN.epochs} for 1,000 images; ${PAPER_TRAIN.epochs} for paper)
  --until-power P|off    label-free stopping rule: with cross-fitting, training ends at the
                         first epoch end where the held-out decoder power reaches P, at the
                         epochs above at the latest; DeDe's witness votes only from power
                         ${MATURE_POWER} on (default ${DEFAULT_TRAIN.untilPower}; off with --epochs N or paper)
  --budget MINUTES       stop training at the first epoch end after this long (default
                         ${DEFAULT_BUDGET_MINUTES} for fast, none for paper; 0 = no limit)
  --train-mask R         share of patches hidden while training (default ${DEFAULT_TRAIN.trainMask}; paper ${PAPER_TRAIN.trainMask})
  --batch N              training batch size (default ${DEFAULT_TRAIN.batch} for fast, ${PAPER_TRAIN.batch} for paper)
  --seed N               random seed (default ${DEFAULT_TRAIN.seed})
  --folds K              cross-fit K decoders, each scoring the images it did not train on
                         (default ${DEFAULT_TRAIN.folds} for fast, ${PAPER_TRAIN.folds} for paper; none with --train-on aux)
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
  --combine join|excess|heaviest|max
                         how voting witnesses make the verdict (default ${DEFAULT_SCORE.combine}): excess =
                         only the witness whose upper tail most exceeds what it showed on
                         folders without poison speaks; join = that one and every witness
                         with at least half its excess (the largest z); max = the
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
