/** Turns the bench results into a console table and a markdown page (bench/RESULTS.md). */
import type { AurocResult } from './auroc';
import type { EmbedRow } from './embedding';
import { LOAD_LIMIT, underLoad, type MachineInfo } from './machine';
import type { TorchResult } from './torch';
import type { TrainRow } from './training';

export interface Ratio {
  what: string;
  value: number | null;
}

export interface BenchResults {
  date: string;
  args: string[];
  machine: MachineInfo;
  underLoad: boolean;
  wasm: string;
  ort: string;
  /** Samples in the cpu backend's warm-up step. */
  cpuWarmupBatch: number;
  embedding: EmbedRow[];
  training: TrainRow[];
  torch: TorchResult | null;
  ratios: Ratio[];
  auroc: (AurocResult & { measuredAt: string; load: number[] }) | null;
}

const num = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));

function rate(rows: { runtime: string; preset?: string; samplesPerSec?: number | null }[], runtime: string, preset: string) {
  return rows.find((r) => r.runtime === runtime && r.preset === preset)?.samplesPerSec ?? null;
}

const div = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);

/** The ratios the README quotes: backend vs backend, tfjs-wasm vs torch, fast vs paper. */
export function ratios(r: Pick<BenchResults, 'embedding' | 'training' | 'torch'>): Ratio[] {
  const out: Ratio[] = [];
  const emb = (runtimePrefix: string, encoder?: string) =>
    r.embedding.find((e) => e.runtime.startsWith(runtimePrefix) && (!encoder || e.encoder === encoder))?.imagesPerSec ?? null;
  out.push({ what: 'embedding: tfjs-wasm / tfjs-cpu (tfjs fixture)', value: div(emb('tfjs-wasm'), emb('tfjs-cpu')) });
  out.push({ what: 'embedding: onnxruntime-web / tfjs-wasm (same network)', value: div(emb('onnxruntime'), emb('tfjs-wasm')) });
  const presets = [...new Set(r.training.map((t) => t.preset))];
  for (const p of presets) out.push({ what: `training ${p}: tfjs-wasm / tfjs-cpu`, value: div(rate(r.training, 'tfjs-wasm', p), rate(r.training, 'tfjs-cpu', p)) });
  const torchRuntimes = [...new Set(r.torch?.rows.map((t) => t.runtime) ?? [])];
  for (const p of presets) {
    if (torchRuntimes.length === 0) out.push({ what: `training ${p}: tfjs-wasm / torch`, value: null });
    for (const rt of torchRuntimes) {
      const torch = r.torch!.rows.find((t) => t.preset === p && t.runtime === rt) ?? null;
      out.push({ what: `training ${p}: tfjs-wasm / ${rt}`, value: div(rate(r.training, 'tfjs-wasm', p), torch?.samplesPerSec ?? null) });
    }
  }
  if (presets.includes('fast') && presets.includes('paper'))
    out.push({ what: 'training tfjs-wasm: fast / paper', value: div(rate(r.training, 'tfjs-wasm', 'fast'), rate(r.training, 'tfjs-wasm', 'paper')) });
  return out;
}

/** Whether the tfjs and torch decoders have the same parameter count per preset (same network). */
function paramCheck(r: BenchResults): string {
  const parts: string[] = [];
  for (const t of r.torch?.rows ?? []) {
    const js = r.training.find((x) => x.preset === t.preset && x.params !== null)?.params;
    if (js === undefined || parts.some((p) => p.startsWith(t.preset))) continue;
    parts.push(`${t.preset} ${js === t.params ? 'equal' : `DIFFER (tfjs ${js}, torch ${t.params})`} (${t.params.toLocaleString('en')})`);
  }
  return parts.length ? `Parameter counts, tfjs vs torch: ${parts.join(', ')}.` : '';
}

function table(head: string[], rows: string[][]): string[] {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines;
}

function loadText(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(' / ');
}

/** The whole report as markdown (also printed to the console). */
export function markdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# DeDe Studio benchmark`, '');
  out.push(`Measured ${r.date} with \`npm run bench${r.args.length ? ' -- ' + r.args.join(' ') : ''}\`.`, '');
  out.push(
    `Machine: ${m.cpuModel}, ${m.nproc} cores (nproc), ${m.memGiB} GiB; ${m.platform}, Node ${m.node}, tfjs ${m.tfjs} (wasm: ${r.wasm}), onnxruntime-web ${m.onnxruntimeWeb} (${r.ort}).`,
    '',
  );
  out.push(`Load average (1/5/15 min): ${loadText(m.loadStart)} at the start, ${m.loadEnd ? loadText(m.loadEnd) : 'n/a'} at the end.`);
  if (r.underLoad)
    out.push('', `**Measured under load** (1-minute load average above ${LOAD_LIMIT} on ${m.nproc} cores): other work shared the CPU, so absolute numbers are lower than an idle machine gives; ratios measured side by side are more reliable, but still noisy.`);
  out.push('');

  out.push('## Embedding throughput (frozen encoder, batch 64, 32 px, after a warm-up call)', '');
  out.push(
    ...table(
      ['encoder', 'runtime', 'images/s', 'calls timed', 'seconds'],
      r.embedding.map((e) => [`\`${e.encoder}\``, e.runtime, e.skipped ? `skipped: ${e.skipped}` : num(e.imagesPerSec), e.skipped ? '-' : String(e.steps), e.skipped ? '-' : num(e.seconds)]),
    ),
    '',
  );

  const batch = r.training[0]?.batch ?? 64;
  out.push(`## Decoder training throughput (train mask 0.9, batch ${batch}, 32 px, 128-d embeddings, after a warm-up step)`, '');
  const trainRows = r.training.map((t) => [
    t.preset,
    t.runtime,
    t.params === null ? 'n/a' : (t.params / 1e6).toFixed(2) + ' M',
    t.skipped ? `skipped: ${t.skipped}` : num(t.samplesPerSec),
    t.skipped ? '-' : String(t.steps),
    t.skipped ? '-' : num(t.seconds),
  ]);
  for (const t of r.torch?.rows ?? [])
    trainRows.push([t.preset, t.runtime, (t.params / 1e6).toFixed(2) + ' M', num(t.samplesPerSec), String(t.steps), num(t.seconds)]);
  out.push(...table(['preset', 'runtime', 'params', 'samples/s', 'steps timed', 'seconds'], trainRows), '');
  out.push(
    `Each tfjs row runs the engine's own \`trainStep\` (masks, forward, gradients, Adam). tfjs-wasm here is ${r.wasm}; the tfjs-cpu rows time one step after a warm-up step of ${r.cpuWarmupBatch} samples (the cpu backend is too slow for more).`,
    '',
  );
  if (r.torch === null) out.push('PyTorch: not run (--no-torch).', '');
  else if (r.torch.note) out.push(`PyTorch: ${r.torch.note}.`, '');
  else if (r.torch.rows.length > 0) {
    const t = r.torch.rows[0];
    out.push(
      `PyTorch is bench/torch_dede.py, the same network written in torch, ${t.threads} threads (torch.set_num_threads), on random data. ${paramCheck(r)}`,
      '',
    );
    for (const rt of [...new Set(r.torch.rows.map((x) => x.runtime))]) {
      const x = r.torch.rows.find((y) => y.runtime === rt)!;
      out.push(`- \`${rt}\`: torch ${x.torch}, a 512x512 matmul at ${num(x.matmulGflops)} GFLOP/s.`);
    }
    if (r.torch.rows.some((x) => x.blasLib.startsWith('reference')))
      out.push(
        '',
        "Debian's torch is built against the generic BLAS interface and, with only libblas3 installed, runs its matmuls on the reference BLAS: far slower than a pip wheel (MKL) or the same torch with OpenBLAS (`npm run bench -- --torch-blas DIR`, DIR holding OpenBLAS's libblas.so.3, runs it a second time with that library).",
      );
    out.push('');
  }
  out.push('## Ratios', '');
  out.push(...table(['ratio', 'value'], r.ratios.map((x) => [x.what, x.value === null ? 'n/a' : `${x.value.toFixed(2)}x`])), '');

  out.push('## AUROC of `fast` vs `paper` on the demo fixture', '');
  const a = r.auroc;
  if (!a) out.push('Not run (`--quick` or `--no-auroc`, and no earlier full run recorded).');
  else if (a.skipped) out.push(`Skipped: ${a.skipped}.`);
  else {
    out.push(
      `${a.images} images (${a.poisoned} triggered), decoder trained on the folder itself; ${a.mode === 'same time' ? '`paper` got the training wall time `fast` used' : 'both trained the same epochs'}. Measured ${a.measuredAt} (load ${loadText(a.load)}). Training options: \`${JSON.stringify(a.trainOptions)}\`.`,
      '',
    );
    out.push(
      ...table(
        ['preset', 'params', 'epochs', 'train s', 'AUROC', 'stopped by'],
        a.rows.map((x) => [x.preset, (x.params / 1e6).toFixed(2) + ' M', num(x.final.epochs, 2), num(x.final.trainSeconds, 0), num(x.final.auroc, 4), x.stoppedBy]),
      ),
      '',
    );
    out.push('AUROC along training:', '');
    out.push(
      ...table(
        ['preset', 'epochs', 'train s', 'AUROC'],
        a.rows.flatMap((x) => x.curve.map((p) => [x.preset, num(p.epochs, 2), num(p.trainSeconds, 0), num(p.auroc, 4)])),
      ),
      '',
    );
  }
  return out.join('\n') + '\n';
}

export { underLoad };
