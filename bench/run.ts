/**
 * `npm run bench [-- options]`: the speed figures of the README's Benchmarks section, in one run
 * on one machine: the matrix-product peak of this CPU (onnxruntime-node's MLAS, 1 and 2 threads);
 * decoder training against PyTorch in its best configuration with each engine's achieved GFLOP/s
 * and share of that peak (bench/anchorBench.ts); embedding throughput per runtime
 * (bench/embedding.ts); and whole `dede scan` runs at their defaults, drop to verdict: 1,000
 * images at 32 px and at 224 px, and 10,000 at 32 px for memory, each with the peak resident
 * memory the kernel reports (bench/large-folder.ts). Writes bench/results.json and
 * bench/RESULTS.md. A measurement, not a test: nothing here asserts a speed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { setupNodeBackend } from '../src/cli/backend';
import type { PresetName } from '../src/core/options';
import { anchorTable, benchAnchor, type AnchorResult } from './anchorBench';
import { benchAuroc, type AurocResult } from './auroc';
import { benchEmbedding, type EmbedRow } from './embedding';
import { machineInfo, underLoad, type MachineInfo } from './machine';
import { matmulPeak, type PeakRow } from './peak';
import { wasmFlavour } from './timing';

const USAGE = `npm run bench -- [options]
  --quick        fewer timed steps
  --no-scans     skip the whole-scan runs
  --presets P    decoder presets to time (default fast,paper)
  --auroc        also train fast and paper on the patch fixture for the same time and compare AUROC (slow)`;

interface ScanRecord {
  images: number;
  imageSize: number;
  encoder: string;
  seconds: number;
  peakRssMiB: number;
  timings: Record<string, number> | null;
  epochs: number | null;
  exitCode: number;
}

interface Results {
  date: string;
  args: string[];
  machine: MachineInfo;
  underLoad: boolean;
  wasm: string;
  peak: PeakRow[];
  anchor: AnchorResult | null;
  embedding: EmbedRow[];
  scans: ScanRecord[];
  auroc: AurocResult | null;
}

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-scans': { type: 'boolean', default: false },
    presets: { type: 'string', default: 'fast,paper' },
    auroc: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (a.help) {
  console.log(USAGE);
  process.exit(0);
}
const say = (s: string) => process.stderr.write(s + '\n');
await setupNodeBackend();
const results: Results = {
  date: new Date().toISOString(),
  args: process.argv.slice(2),
  machine: machineInfo(),
  underLoad: false,
  wasm: await wasmFlavour(),
  peak: [],
  anchor: null,
  embedding: [],
  scans: [],
  auroc: null,
};
const cores = os.availableParallelism?.() ?? os.cpus().length;
const save = () => {
  results.machine.loadEnd = os.loadavg();
  results.underLoad = underLoad(results.machine);
  writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
  writeFileSync('bench/RESULTS.md', markdown(results));
};
say(`bench on ${results.machine.cpuModel}, ${cores} cores, load ${results.machine.loadStart.map((x) => x.toFixed(2)).join(' ')}`);

say('matrix-product peak (onnxruntime-node, 1024^3)...');
results.peak = await matmulPeak([...new Set([1, Math.min(2, cores), cores])]);
save();

say('decoder training against PyTorch at its best...');
results.anchor = await benchAnchor({ quick: a.quick!, presets: a.presets!.split(',') as PresetName[], log: say });
save();

say('embedding throughput...');
results.embedding = await benchEmbedding({ batch: 64, size: 32, budget: a.quick ? { warmup: 1, minSteps: 2, minSeconds: 1, maxSteps: 20 } : { warmup: 1, minSteps: 3, minSeconds: 5, maxSteps: 50 }, ortRuntime: 'onnxruntime-web wasm' });
save();

if (!a['no-scans']) {
  const scans: [number, string, number][] = [
    [1000, 'fixtures/patch/encoder.onnx', 28],
    [1000, 'fixtures/r224/encoder.onnx', 224],
    [10000, 'fixtures/patch/encoder.onnx', 28],
    [20000, 'fixtures/patch/encoder.onnx', 28],
  ];
  for (const [n, encoder, size] of scans) {
    say(`dede scan, ${n} images at ${size} px (${encoder})...`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/large-folder.ts', String(n), encoder, String(size)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/large-folder.ts ${n} ${encoder} ${size} failed`);
    results.scans.push(JSON.parse(readFileSync(`bench/scan-${n}x${size}.json`, 'utf8')) as ScanRecord);
    save();
  }
}

if (a.auroc) {
  say('AUROC fast vs paper on the patch fixture, same training time (slow)...');
  results.auroc = await benchAuroc({ demo: 'fixtures/patch', epochs: 10, sameEpochs: false, presets: ['fast', 'paper'] });
}
save();
console.log(markdown(results));
say('wrote bench/results.json and bench/RESULTS.md');

function markdown(r: Results): string {
  const m = r.machine;
  const peak1 = r.peak.find((p) => p.threads === 1)?.gflops ?? NaN;
  const peakAll = Math.max(...r.peak.map((p) => p.gflops));
  const out: string[] = [
    '# DeDe Studio benchmark',
    '',
    `Measured ${r.date} with \`npm run bench${r.args.length ? ' -- ' + r.args.join(' ') : ''}\`.`,
    '',
    `Machine: ${m.cpuModel}, ${m.nproc} cores, ${m.memGiB} GiB; ${m.platform}, Node ${m.node}, tfjs ${m.tfjs} (wasm: ${r.wasm}), onnxruntime-web ${m.onnxruntimeWeb}.`,
    `Load average (1/5/15 min): ${m.loadStart.map((x) => x.toFixed(2)).join(' / ')} at the start, ${m.loadEnd?.map((x) => x.toFixed(2)).join(' / ') ?? '-'} at the end${r.underLoad ? ' (**under load**: other work shared the CPU)' : ''}.`,
    '',
    '## Matrix-product peak (one [1024,1024] x [1024,1024] float32 MatMul, onnxruntime-node)',
    '',
    '| threads | GFLOP/s |',
    '|---|---|',
    ...r.peak.map((p) => `| ${p.threads} | ${p.gflops.toFixed(1)} |`),
    '',
  ];
  if (r.anchor) {
    const an = r.anchor;
    out.push(
      '## Decoder training against PyTorch in its best configuration (batch 64, 32 px, 128-d embeddings)',
      '',
      'PyTorch: bench/torch_dede.py, the same network, at 1 and 2 threads with OPENBLAS_NUM_THREADS=1; the best is the anchor. GFLOP/s counts the matrix products of a step (forward and backward) as the ONNX step graph has them: ' +
        Object.entries(an.flopsPerSample).map(([k, v]) => `${k} ${(v / 1e6).toFixed(0)} MFLOP per sample`).join(', ') + '.',
      '',
      anchorTable(an),
      '',
      `Share of the matrix-product peak: ${an.rows
        .filter((x) => x.gflops && /onnxruntime-node cpu x\d, 1 decoder/.test(x.runtime))
        .map((x) => {
          const t = Number(/x(\d)/.exec(x.runtime)![1]);
          const pk = t === 1 ? peak1 : peakAll;
          return `${x.preset} @ ${x.mask}, ${t} thread${t > 1 ? 's' : ''}: ${((100 * x.gflops!) / pk).toFixed(0)}%`;
        })
        .join('; ')}.`,
      '',
    );
  }
  out.push('## Embedding throughput (frozen encoder, after a warm-up call)', '', '| encoder | runtime | batch | size | images/s |', '|---|---|---|---|---|');
  for (const e of r.embedding) out.push(`| \`${e.encoder}\` | ${e.runtime} | ${e.batch} | ${e.size} | ${e.imagesPerSec?.toFixed(1) ?? `- (${e.skipped})`} |`);
  out.push('');
  if (r.scans.length) {
    out.push(
      '## Whole scans, drop to verdict (`dede scan` defaults, Fashion-MNIST PNG files, no cache)',
      '',
      '| images | px | encoder | decoding s | embedding s | training s (epochs) | scoring s | total s | per 1,000 images | peak RSS |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const s of r.scans) {
      const t = s.timings ?? {};
      const f = (k: string) => (t[k] ?? NaN).toFixed(1);
      out.push(
        `| ${s.images} | ${s.imageSize} | \`${s.encoder}\` | ${f('decoding')} | ${f('embedding')} | ${f('training')} (${s.epochs}) | ${f('scoring')} | ${s.seconds.toFixed(1)} | ${((1000 * s.seconds) / s.images).toFixed(1)} s | ${s.peakRssMiB} MiB |`,
      );
    }
    // Memory per image from the two largest 32-px scans: below ~10,000 images the fixed part
    // (runtimes, training threads, session arenas) dominates and can even shrink with the folder.
    const big = r.scans.filter((x) => x.imageSize === 28 && x.images >= 10000).sort((p, q) => p.images - q.images);
    if (big.length >= 2) {
      const [lo, hi] = big.slice(-2);
      const per10k = ((hi.peakRssMiB - lo.peakRssMiB) / (hi.images - lo.images)) * 10000;
      out.push('', `Peak memory grows by ${per10k.toFixed(0)} MiB per 10,000 images at 32 px (the ${hi.images.toLocaleString('en-US')}-image scan against the ${lo.images.toLocaleString('en-US')}-image one; the rest is fixed: runtimes, training threads, session arenas).`);
    }
    out.push('');
  }
  if (r.auroc) out.push('## AUROC, fast vs paper, same training time', '', '```', JSON.stringify(r.auroc, null, 2), '```', '');
  return out.join('\n') + '\n';
}
