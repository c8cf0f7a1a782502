/**
 * `npm run bench [-- options]`: embedding and decoder-training throughput on every backend
 * Node offers, the same decoder in PyTorch on the same CPU, and AUROC of `fast` vs `paper` on
 * the demo fixture. Prints a report and writes bench/results.json and bench/RESULTS.md.
 * This is a measurement, not a test: nothing here asserts a speed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { setupNodeBackend } from '../src/cli/backend';
import type { PresetName } from '../src/core/options';
import { benchAuroc } from './auroc';
import { benchEmbedding } from './embedding';
import { machineInfo, underLoad } from './machine';
import { markdown, ratios, type BenchResults } from './report';
import { benchTorch } from './torch';
import { benchTraining } from './training';
import { wasmFlavour, type StepBudget } from './timing';

const USAGE = `npm run bench -- [options]
  --quick            fewer timed steps, and skip the AUROC comparison (keeps the last one recorded)
  --no-cpu           skip the tfjs cpu backend (very slow)
  --no-torch         skip the PyTorch comparison
  --no-auroc         skip the AUROC comparison
  --epochs N         epochs for fast in the AUROC comparison (default 10)
  --demo DIR         fixture folder for the AUROC comparison (default fixtures/patch, the patch backdoor)
  --same-epochs      paper trains the same epochs as fast (default: the same training time)
  --torch-threads N  torch.set_num_threads (default 2)
  --torch-blas DIR   also run torch with DIR/libblas.so.3 (e.g. OpenBLAS) first on LD_LIBRARY_PATH
                     (default: $DEDE_BENCH_TORCH_BLAS_DIR)`;

const RESULTS_JSON = 'bench/results.json';
const RESULTS_MD = 'bench/RESULTS.md';
const PRESETS: PresetName[] = ['fast', 'paper'];
const BATCH = 64;
const SIZE = 32;
const EMB_DIM = 128;
const MASK = 0.9;
const CPU_WARMUP_BATCH = 8;

function budget(warmup: number, minSteps: number, minSeconds: number, maxSteps: number): StepBudget {
  return { warmup, minSteps, minSeconds, maxSteps };
}

function previousAuroc(): BenchResults['auroc'] {
  if (!existsSync(RESULTS_JSON)) return null;
  try {
    const old = JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as BenchResults;
    return old.auroc && !old.auroc.skipped ? old.auroc : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values: a } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'no-cpu': { type: 'boolean', default: false },
      'no-torch': { type: 'boolean', default: false },
      'no-auroc': { type: 'boolean', default: false },
      'same-epochs': { type: 'boolean', default: false },
      epochs: { type: 'string', default: '10' },
      demo: { type: 'string', default: 'fixtures/patch' },
      'torch-threads': { type: 'string', default: '2' },
      'torch-blas': { type: 'string', default: process.env.DEDE_BENCH_TORCH_BLAS_DIR ?? '' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) {
    console.log(USAGE);
    return;
  }
  const epochs = Number(a.epochs);
  const torchThreads = Number(a['torch-threads']);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs ${a.epochs}: give a whole number >= 1`);
  if (!Number.isInteger(torchThreads) || torchThreads < 1) throw new Error(`--torch-threads ${a['torch-threads']}: give a whole number >= 1`);
  const quick = a.quick!;
  const backend = await setupNodeBackend();
  const results: BenchResults = {
    date: new Date().toISOString(),
    args: argv,
    machine: machineInfo(),
    underLoad: false,
    wasm: await wasmFlavour(),
    ort: `wasm, ${backend.ort.replace('wasm x', '')} threads`,
    cpuWarmupBatch: CPU_WARMUP_BATCH,
    embedding: [],
    training: [],
    torch: null,
    ratios: [],
    // The last full run's comparison stands until this run replaces it (it carries its own date).
    auroc: previousAuroc(),
  };
  const save = () => {
    results.machine.loadEnd = os.loadavg();
    results.underLoad = underLoad(results.machine);
    results.ratios = ratios(results);
    writeFileSync(RESULTS_JSON, JSON.stringify(results, null, 2) + '\n');
    writeFileSync(RESULTS_MD, markdown(results));
  };
  const say = (s: string) => process.stderr.write(s + '\n');
  say(`bench on ${results.machine.cpuModel}, ${results.machine.nproc} cores, load ${results.machine.loadStart.map((x) => x.toFixed(2)).join(' ')}`);

  say('embedding throughput...');
  results.embedding = await benchEmbedding({
    batch: BATCH,
    size: SIZE,
    budget: quick ? budget(1, 2, 1, 20) : budget(1, 3, 5, 50),
    ortRuntime: `onnxruntime-web ${results.ort}`,
  });
  save();

  say('decoder training throughput...');
  results.training = await benchTraining({
    presets: PRESETS,
    batch: BATCH,
    size: SIZE,
    embDim: EMB_DIM,
    mask: MASK,
    budgets: {
      wasm: quick ? budget(1, 2, 3, 20) : budget(1, 3, 10, 50),
      // The cpu backend is 10-30x slower: one timed step after a small warm-up step.
      cpu: budget(1, 1, 0, 1),
    },
    warmupBatch: { cpu: CPU_WARMUP_BATCH },
    skip: a['no-cpu'] ? { cpu: 'not run (--no-cpu)' } : {},
  });
  save();

  if (!a['no-torch']) {
    say('PyTorch decoder training throughput...');
    results.torch = benchTorch({
      presets: PRESETS,
      batch: BATCH,
      size: SIZE,
      embDim: EMB_DIM,
      mask: MASK,
      threads: torchThreads,
      warmup: 1,
      minSteps: quick ? 2 : 3,
      minSeconds: quick ? 3 : 10,
      maxSteps: 50,
      blasDir: a['torch-blas'] || null,
    });
    if (results.torch.note) say(results.torch.note);
    save();
  }

  if (!quick && !a['no-auroc']) {
    say('AUROC fast vs paper on the demo fixture (slow; --quick skips it)...');
    const load = os.loadavg();
    const measuredAt = new Date().toISOString();
    const r = await benchAuroc({ demo: a.demo!, epochs, sameEpochs: a['same-epochs']!, presets: PRESETS });
    results.auroc = { ...r, measuredAt, load };
  }
  save();
  console.log(markdown(results));
  say(`wrote ${RESULTS_JSON} and ${RESULTS_MD}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? (process.env.DEDE_DEBUG ? err.stack : `bench: ${err.message}`) : err);
  process.exitCode = 1;
});
