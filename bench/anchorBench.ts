/**
 * `npm run bench:anchor`: decoder training speed against PyTorch in its best CPU configuration,
 * measured in the same run, as a ratio (README "Benchmarks"). For each preset and train mask
 * (0.9, the paper's; 0.99, the product's): PyTorch (bench/torch_dede.py, the same network) at 1
 * and at 2 threads with OPENBLAS_NUM_THREADS=1, the best kept; tfjs-wasm in one thread (one
 * decoder, the app's path without nested workers); and the CLI's fold-parallel training (the
 * default 2 cross-fitted decoders in 2 threads, src/cli/foldRunner.ts), whose samples/s counts
 * both decoders' samples, as a scan trains them; the same two for the ONNX Runtime engine
 * (src/core/model/onnx: onnxruntime-node, and onnxruntime-web's wasm build as the browser runs
 * it, one decoder at 1 and 2 threads). Writes bench/anchor.json.
 *
 * `benchAnchor` is what `npm run bench:anchor` (bench/anchor.ts) and `npm run bench` run.
 */
import os from 'node:os';
import { setupNodeBackend, setupTrainEngine, type TrainEngineSpec } from '../src/cli/backend';
import * as ortWeb from 'onnxruntime-web';
import { stepEngine } from '../src/core/model/engine';
import { ThreadFoldRunner, foldSlots } from '../src/cli/foldRunner';
import { createDecoderSet, disposeDecoderSet, trainDecoderSet } from '../src/core/decoderSet';
import { createTrainState, disposeTrainState, trainStep } from '../src/core/model';
import { DEFAULT_TRAIN, MODEL_PRESETS, type PresetName, type TrainOptions } from '../src/core/options';
import { benchTorch } from './torch';
import { noise, timeSteps } from './timing';
import { buildStepGraph } from '../src/core/model/onnx/decoderGraph';
import { keepCount } from '../src/core/model/patches';

const BATCH = 64;
const SIZE = 32;
const EMB = 128;
export interface AnchorRow {
  preset: PresetName;
  mask: number;
  runtime: string;
  samplesPerSec: number;
  /** Our rows: samples/s x the step's matrix-product FLOPs per sample (buildStepGraph's count). */
  gflops?: number;
}

export interface AnchorResult {
  machine: { cores: number; cpu: string | undefined; load: number[] };
  batch: number;
  size: number;
  embDim: number;
  /** Matrix-product FLOPs per training sample of each preset and mask (forward and backward). */
  flopsPerSample: Record<string, number>;
  rows: AnchorRow[];
  ratios: (AnchorRow & { vsTorchBest: number | null })[];
}

/** Matrix-product FLOPs of one training sample (the ONNX step graph's count, the same network as torch's). */
export function flopsPerSample(preset: PresetName, mask: number): number {
  const cfg = MODEL_PRESETS[preset];
  const st = createTrainState({ imageSize: SIZE, embDim: EMB }, { ...DEFAULT_TRAIN, preset }, cfg);
  const params = new Map([...st.model.variables].map(([n, v]) => [n, v.shape]));
  const keep = keepCount(st.model.tokens, mask);
  const { matmulFlops } = buildStepGraph({ cfg, imageSize: SIZE, embDim: EMB, batch: BATCH, keep, params, adam: st.optimizer.config });
  disposeTrainState(st);
  return matmulFlops / BATCH;
}

/** PyTorch's best configuration beside every engine of ours, per preset and train mask. */
export async function benchAnchor(run: { quick: boolean; presets: PresetName[]; log?: (s: string) => void }): Promise<AnchorResult> {
  const { presets } = run;
  const log = run.log ?? ((s: string) => console.error(s));
  const budget = run.quick ? { warmup: 1, minSteps: 3, minSeconds: 4, maxSteps: 30 } : { warmup: 2, minSteps: 5, minSeconds: 10, maxSteps: 100 };
  await setupNodeBackend();
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  // onnxruntime-web's wasm threads are fixed when its runtime starts (setupNodeBackend: up to 4).
  const webThreads = Number(ortWeb.env.wasm.numThreads) || 1;

  const rows: AnchorRow[] = [];
  const flops: Record<string, number> = {};
  for (const preset of presets) {
    for (const mask of [0.9, 0.99]) {
      // PyTorch: 1 and 2 threads, OpenBLAS kept to one thread of its own.
      let best: AnchorRow | null = null;
      for (const threads of [1, 2]) {
        process.env.OPENBLAS_NUM_THREADS = '1';
        const t = benchTorch({ presets: [preset], batch: BATCH, size: SIZE, embDim: EMB, mask, threads, warmup: budget.warmup, minSteps: budget.minSteps, minSeconds: budget.minSeconds, maxSteps: budget.maxSteps });
        for (const r of t.rows) {
          const row = { preset, mask, runtime: `${r.runtime} (${r.torch})`, samplesPerSec: r.samplesPerSec };
          rows.push(row);
          if (!best || row.samplesPerSec > best.samplesPerSec) best = row;
        }
        if (!t.available) console.error(`torch: ${t.note}`);
      }
      // tfjs-wasm, one decoder in this thread: the engine's own trainStep.
      const data = { images: { count: BATCH, size: SIZE, data: noise(BATCH * SIZE * SIZE * 3, 3) }, emb: { count: BATCH, dim: EMB, data: noise(BATCH * EMB, 5) } };
      const opts: TrainOptions = { ...DEFAULT_TRAIN, preset, batch: BATCH, trainMask: mask, trainMaskEnd: null };
      const state = createTrainState({ imageSize: SIZE, embDim: EMB }, opts, MODEL_PRESETS[preset]);
      const idx = Array.from({ length: BATCH }, (_, i) => i);
      const one = await timeSteps(() => trainStep(state, data, idx, mask), BATCH, budget);
      disposeTrainState(state);
      rows.push({ preset, mask, runtime: 'tfjs-wasm, 1 thread', samplesPerSec: one.perSecond });
      // The ONNX Runtime engine (src/core/model/onnx), one decoder: onnxruntime-node (the CLI's)
      // and onnxruntime-web's wasm build (the browser worker's), at 1 and 2 threads.
      let ortOne = 0;
      for (const [ort, threads] of [['node', 1], ['node', 2], ['web', webThreads]] as const) {
        {
          const name = setupTrainEngine({ engine: 'ort', ort, threads });
          const st = createTrainState({ imageSize: SIZE, embDim: EMB }, opts, MODEL_PRESETS[preset]);
          const run = await stepEngine()!.begin(st);
          // ONNX Runtime's first runs of a session plan its memory: more warm-up than tfjs needs.
          const timed = await timeSteps(() => run.step(data, idx, mask), BATCH, { ...budget, warmup: budget.warmup + 3 });
          disposeTrainState(st);
          if (ort === 'node' && threads === 1) ortOne = timed.perSecond;
          rows.push({ preset, mask, runtime: `${name}, 1 decoder`, samplesPerSec: timed.perSecond });
        }
      }
      setupTrainEngine({ engine: 'tfjs', ort: 'auto', threads: 1 });
      // The CLI: two cross-fitted decoders, one epoch each, in parallel threads, on each engine.
      // Enough images that each decoder trains ~20 s (quick) / ~40 s on one thread: with fewer, the
      // fold workers' start (engine init, model build) is most of the time measured.
      const target = run.quick ? 20 : 40;
      for (const spec of [{ engine: 'tfjs', ort: 'auto', threads: 1 }, { engine: 'ort', ort: 'node', threads: 1 }] as TrainEngineSpec[]) {
        const rate = spec.engine === 'tfjs' ? one.perSecond : ortOne;
        const n = Math.min(16384, Math.max(512, 2 * 64 * Math.round((rate * target) / 64)));
        const big = { images: { count: n, size: SIZE, data: noise(n * SIZE * SIZE * 3, 7) }, emb: { count: n, dim: EMB, data: noise(n * EMB, 9) } };
        const popts: TrainOptions = { ...opts, epochs: 1, folds: 2, maxTrainImages: null };
        for (const threads of [1, 2]) {
          const slots = threads === 1 ? 0 : foldSlots(2);
          const engine = { ...spec, threads: spec.engine === 'ort' ? Math.max(1, Math.floor(cores / (slots + 1))) : 1 };
          const name = setupTrainEngine(engine);
          const set = createDecoderSet({ imageSize: SIZE, embDim: EMB }, popts, n, true, MODEL_PRESETS[preset]);
          const runner = slots > 0 ? new ThreadFoldRunner(slots, engine) : null;
          const t0 = performance.now();
          await trainDecoderSet(set, big, popts, { runner });
          const seconds = (performance.now() - t0) / 1000;
          await runner?.close();
          disposeDecoderSet(set);
          rows.push({ preset, mask, runtime: `${spec.engine === 'tfjs' ? 'tfjs-wasm' : name}, 2 decoders ${slots > 0 ? `in ${slots + 1} threads at once` : 'one after the other'} (scan)`, samplesPerSec: n / seconds });
        }
        setupTrainEngine({ engine: 'tfjs', ort: 'auto', threads: 1 });
      }
      flops[`${preset}@${mask}`] = flopsPerSample(preset, mask);
      for (const r of rows) if (r.preset === preset && r.mask === mask && !r.runtime.startsWith('torch')) r.gflops = (r.samplesPerSec * flops[`${preset}@${mask}`]) / 1e9;
      log(rows.filter((r) => r.preset === preset && r.mask === mask).map((r) => `${preset} mask ${mask}: ${r.runtime} ${r.samplesPerSec.toFixed(1)}/s`).join('\n'));
    }
  }

  const anchor = (p: PresetName, m: number) => Math.max(0, ...rows.filter((r) => r.preset === p && r.mask === m && r.runtime.startsWith('torch')).map((r) => r.samplesPerSec));
  const ratios = rows
    .filter((r) => !r.runtime.startsWith('torch'))
    .map((r) => ({ ...r, vsTorchBest: anchor(r.preset, r.mask) > 0 ? r.samplesPerSec / anchor(r.preset, r.mask) : null }));
  return { machine: { cores, cpu: os.cpus()[0]?.model, load: os.loadavg() }, batch: BATCH, size: SIZE, embDim: EMB, flopsPerSample: flops, rows, ratios };
}

/** The rows as a markdown table with each row's ratio to PyTorch's best. */
export function anchorTable(r: AnchorResult): string {
  const best = (p: PresetName, m: number) => Math.max(0, ...r.rows.filter((x) => x.preset === p && x.mask === m && x.runtime.startsWith('torch')).map((x) => x.samplesPerSec));
  const lines = ['| preset | train mask | runtime | samples/s | GFLOP/s (matrix products) | vs best torch |', '|---|---|---|---|---|---|'];
  for (const x of r.rows) {
    const b = best(x.preset, x.mask);
    const vs = x.runtime.startsWith('torch') ? (x.samplesPerSec === b ? 'best' : '') : b > 0 ? `${(x.samplesPerSec / b).toFixed(2)}x` : '-';
    lines.push(`| ${x.preset} | ${x.mask} | ${x.runtime} | ${x.samplesPerSec.toFixed(1)} | ${x.gflops ? x.gflops.toFixed(1) : '-'} | ${vs} |`);
  }
  return lines.join('\n');
}
