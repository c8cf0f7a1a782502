/**
 * `dede scan`: reads the inputs from disk, runs core's runScan on the Node backends, and
 * writes scores.csv and the --json summary. All computing happens in src/core.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadEncoder, resolvePreprocess } from '../core/encoder';
import { MemoryEmbeddingStore, type EmbeddingStore } from '../core/embedCache';
import { initWebp } from '../core/image/webp';
import { MODEL_PRESETS, formatRule, plannedEpochs } from '../core/options';
import { runScan } from '../core/scan';
import { scanSummary } from '../core/summary';
import { parseLabels, scoresToCsv, witnessColumns } from '../core/csv';
import { notVotingReason } from '../core/witnesses';
import { evidenceSentence, falseAlarmSentence } from '../core/verdict';
import type { ScanArgs } from './args';
import { ortBackend, setupNodeBackend, setupTrainEngine, threadsPerDecoder, type TrainEngineSpec } from './backend';
import { ThreadFoldRunner, foldSlots } from './foldRunner';
import { DiskEmbeddingStore, defaultCacheDir } from './diskCache';
import { InputError, readEncoderFiles, readFolder, readTextFile } from './files';
import { ProgressPrinter, formatDuration } from './progress';
import { checkOutputs, encoderFilePaths, writeAtomic } from './outputs';
import { renderReport } from '../core/report';
import { TOOL_VERSION } from './version';
import { fastBatchMatMulActive } from '../core/model/fastBatchMatMul';

async function loadWebpDecoder(): Promise<void> {
  const require = createRequire(import.meta.url);
  initWebp(new Uint8Array(await readFile(require.resolve('@cwasm/webp/webp.wasm'))));
}

export interface ScanStreams {
  stderr: NodeJS.WriteStream;
  /** Returns true once the user asked to stop (Ctrl-C). */
  shouldStop: () => boolean;
}

/** Runs the scan command; resolves the exit code. Throws Errors for core to word. */
export async function scanCommand(args: ScanArgs, io: ScanStreams): Promise<number> {
  const printer = new ProgressPrinter(io.stderr, !args.quiet);
  const say = (msg: string) => {
    if (!args.quiet) printer.say(msg);
  };
  const warn = (msg: string) => printer.say(msg);

  await checkOutputs({
    out: args.out,
    json: args.json,
    checkpoint: args.checkpoint,
    report: args.report,
    inputFiles: [...(await encoderFilePaths(args.encoder)), args.labels],
    inputDirs: [args.images, args.aux],
    force: args.force,
  });
  const [backend] = await Promise.all([setupNodeBackend(), loadWebpDecoder()]);
  if (backend.fallbackReason) warn(`warning: ${backend.fallbackReason}; using tfjs ${backend.tfjs} (much slower)`);
  const ortRt = ortBackend(args.ort);
  if (ortRt.fallbackReason && !args.quiet) warn(`note: ${ortRt.fallbackReason}; embedding with ${ortRt.name} (slower)`);

  const encoderFiles = await readEncoderFiles(args.encoder);
  const encoder = await loadEncoder(encoderFiles, { runtime: ortRt.runtime, executionProviders: ortRt.executionProviders, output: args.output });
  try {
    const cfg = MODEL_PRESETS[args.train.preset];
    const { pre, notes } = resolvePreprocess(encoder.info, args.pre, cfg.patch, args.train.rebuildSize);
    const labels = args.labels ? parseLabelsFile(await readTextFile(args.labels, '--labels'), args.labels) : null;
    const suspect = await readFolder(args.images, '--images');
    const aux = args.aux ? await readFolder(args.aux, '--aux') : null;
    for (const [flag, dir, found] of [['--images', args.images, suspect], ['--aux', args.aux, aux]] as const) {
      if (found && found.files.length === 0 && found.unreadable.length > 0) {
        const first = found.unreadable[0];
        throw new InputError(`${flag} ${dir} holds no readable file (${found.unreadable.length} skipped; ${first.path}: ${first.reason}): give a folder of images`);
      }
    }
    if (!args.epochsGiven) {
      // The sample budget counts the rows one epoch trains: 'both' plans as for the scanned folder
      // alone (the stopping rule ends it once the decoders are mature). The app plans the same.
      const epochs = plannedEpochs(args.train, aux ? args.trainOn : 'suspect', suspect.files.length, aux?.files.length ?? 0);
      args = { ...args, train: { ...args.train, epochs } };
    }
    const resume = args.checkpoint && existsSync(args.checkpoint) ? new Uint8Array(await readFile(args.checkpoint)) : null;

    const store: EmbeddingStore = args.cache ? new DiskEmbeddingStore(defaultCacheDir(), warn) : new MemoryEmbeddingStore();
    const oneDecoder = aux !== null && args.trainOn === 'aux';
    const folds = oneDecoder ? 1 : args.train.folds;
    const slots = Math.min(foldSlots(folds), Math.max(0, (args.trainThreads ?? Infinity) - 1));
    const engine: TrainEngineSpec = { engine: args.trainEngine, ort: args.ort, threads: threadsPerDecoder(slots + 1, args.trainThreads), predictThreads: threadsPerDecoder(1, args.trainThreads) };
    const trainer = setupTrainEngine(engine);
    const tfjsName = `tfjs-${backend.tfjs}${fastBatchMatMulActive() ? ' (SIMD batched matMul)' : ''}`;
    const threads = slots > 0 ? ` x${slots + 1} training threads` : '';
    const backendName =
      args.trainEngine === 'tfjs' ? `${tfjsName}${threads} + ${ortRt.name}` : `${trainer} trains${threads} and rebuilds, ${tfjsName} scores, ${ortRt.name} embeds`;
    const t = args.train;
    say(`dede scan: ${suspect.files.length} files in ${args.images}${aux ? (oneDecoder ? `, decoder trained on ${aux.files.length} files in ${args.aux}` : `, decoders trained on it and on ${aux.files.length} files in ${args.aux}`) : ''}`);
    const outs = encoder.info.outputs.length > 1 ? ` output ${encoder.info.outputName} (of ${encoder.info.outputs.map((o) => o.name).join(', ')})` : '';
    say(`  encoder   ${encoder.info.format} ${path.basename(args.encoder)} input ${encoder.info.inputName} [${encoder.info.inputShape.map((d) => (d < 0 ? '?' : d)).join(',')}]${outs}, ${notes.join(', ')}`);
    say(`  normalise mean ${pre.mean.join(',')} std ${pre.std.join(',')}, pooling ${pre.pooling}`);
    say(`  decoder   preset ${t.preset} (D ${cfg.dim}, ${cfg.encDepth}+${cfg.decDepth} blocks, patch ${cfg.patch}), epochs ${t.epochs}, batch ${t.batch}, lr ${t.lr}, train mask ${t.trainMask}${t.trainMaskEnd !== null ? `->${t.trainMaskEnd}` : ''}, ${oneDecoder || t.folds === 1 ? '1 decoder' : `${t.folds} cross-fitted decoders`}${!oneDecoder && t.folds > 1 && t.trim !== 0 ? `, trim ${t.trim}` : ''}, seed ${t.seed}`);
    const sc = args.score;
    const dedeScore = sc.kind === 'raw' ? 'raw error' : `counterfactual (own / ${sc.statistic} of ${sc.draws} others)`;
    say(`  score     mask ${sc.scoreMask}, ${sc.masks} mask(s), DeDe ${dedeScore}, witnesses ${sc.witnesses.join('+')}, rule ${formatRule(args.rule)}; backend ${backendName}`);
    say(`  cache     ${args.cache ? defaultCacheDir() : 'off'}${resume ? `; resuming from ${args.checkpoint}` : ''}`);

    const runner = slots > 0 ? new ThreadFoldRunner(slots, engine) : null;
    let result: Awaited<ReturnType<typeof runScan>>;
    try {
      result = await runScan(
        {
          encoder,
          pre,
          images: suspect.files,
          aux: aux?.files ?? null,
          trainOn: args.trainOn,
          labels,
          train: args.train,
          score: args.score,
          rule: args.rule,
          store,
          backend: backendName,
          resume,
          names: { images: `--images ${args.images}`, aux: `--aux ${args.aux}` },
          budgetSeconds: args.budgetSeconds,
          evidence: args.report !== null,
          runner,
        },
        {
          onProgress: (p) => printer.update(p),
          shouldStop: io.shouldStop,
          onNote: warn,
          onCheckpoint: args.checkpoint ? (bytes) => writeAtomic(args.checkpoint!, bytes) : undefined,
        },
      );
    } finally {
      await runner?.close();
    }
    printer.endLine();
    result.skipped.unshift(...suspect.unreadable);
    result.auxSkipped.unshift(...(aux?.unreadable ?? []));

    const cols = witnessColumns(result);
    const rows = result.paths.map((file, i) => ({ file, score: result.scores[i], flagged: result.flagged[i], extra: cols.extra(i) }));
    await writeAtomic(args.out, scoresToCsv(rows, { columns: cols.columns }));
    const summary = scanSummary(result);
    if (args.json) await writeAtomic(args.json, JSON.stringify(summary, null, 2) + '\n');
    if (args.report) {
      const html = renderReport({
        summary,
        paths: result.paths,
        scores: result.scores,
        flagged: result.flagged,
        flaggedBy: result.flaggedBy,
        evidence: result.evidence,
        norm: result.pre,
        title: `${path.basename(args.encoder)} on ${args.images}`,
        createdAt: new Date().toISOString(),
        tool: `dede scan ${TOOL_VERSION}`,
      });
      await writeAtomic(args.report, html);
    }

    for (const [list, where] of [
      [result.skipped, args.images],
      [result.auxSkipped, args.aux],
    ] as const) {
      if (list.length === 0) continue;
      warn(`skipped ${list.length} file(s) in ${where}:`);
      for (const s of list) warn(`  ${s.path}: ${s.reason}`);
    }
    const c = summary.counts;
    say(
      `scored ${c.images} images in ${formatDuration(result.timings.total)}: ${c.flagged} flagged (${formatRule(result.rule)}, threshold ${result.threshold.toPrecision(5)}) -> ${args.out}`,
    );
    if (result.calibrated) {
      const expected = result.expectedFalseAlarms;
      say(
        `  by witness: ${result.witnesses.map((w) => (w.votes ? `${w.name} ${w.flagged}` : `${w.name} ${notVotingReason(w)}`)).join(', ')}${expected !== null ? `; ${falseAlarmSentence(expected)}` : ''}`,
      );
      if (result.backdoorEvidence) say(`  ${evidenceSentence(result.backdoorEvidence)}`);
      if (result.families.length > 0) {
        say(`  ${result.families.length} famil${result.families.length === 1 ? 'y' : 'ies'} of near-identical embeddings among the flagged images (largest ${result.families[0].length}): see --json verdict.families`);
      }
    }
    if (result.power) say(`decoder power ${result.power.auroc.toFixed(3)} (AUROC of swapped vs own embeddings, ${result.power.slice} images)`);
    const m = result.metrics;
    if (m) {
      const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
      say(
        `labels: ${m.labelled} images (${m.poisoned} poisoned): AUROC ${f(m.auroc)}, AUPRC ${f(m.auprc)}, TPR@1%FPR ${f(m.tprAt1Fpr)}, TPR@5%FPR ${f(m.tprAt5Fpr)}; at the threshold TP ${m.confusion.tp} FP ${m.confusion.fp} FN ${m.confusion.fn} TN ${m.confusion.tn}`,
      );
      if (result.rebuildCollapse !== null) {
        const c = result.rebuildCollapse;
        say(
          `rebuild collapse ${c.toFixed(3)} (share of their input spread the poisoned images' rebuilds keep, relative to clean images): ${
            c < 0.5
              ? 'the encoder maps the poisoned images to one target, the backdoor DeDe looks for'
              : 'the poisoned images are rebuilt as diversely as clean ones: they share no one target embedding (pixel outliers, or a backdoor that spreads its triggered embeddings, DRUPE-style)'
          }`,
        );
      }
      if (m.unlabelled > 0 || m.unmatched > 0) {
        warn(`warning: ${m.unlabelled} scored image(s) have no label and ${m.unmatched} label(s) match no scored image`);
      }
    }
    return 0;
  } finally {
    await encoder.dispose();
  }
}

function parseLabelsFile(text: string, file: string): Map<string, 0 | 1> {
  try {
    return parseLabels(text);
  } catch (err) {
    throw new InputError(`--labels ${file}: ${(err as Error).message}`);
  }
}
