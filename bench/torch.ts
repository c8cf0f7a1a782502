/**
 * The same decoder presets in PyTorch on the same CPU (bench/torch_dede.py), when Debian's
 * torch is installed; skipped with a note otherwise. The presets are passed in from
 * MODEL_PRESETS, so the two implementations cannot drift apart in size.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MODEL_PRESETS, type PresetName } from '../src/core/options';

export const PYTHON = process.env.DEDE_BENCH_PYTHON ?? '/usr/bin/python3';

export interface TorchRow {
  preset: PresetName;
  runtime: string;
  params: number;
  batch: number;
  threads: number;
  samplesPerSec: number;
  steps: number;
  seconds: number;
  torch: string;
  /** BLAS API torch was built against ('generic' = the reference BLAS interface). */
  blas: string;
  /** The BLAS library that actually answered, in words (e.g. 'OpenBLAS', 'reference BLAS'). */
  blasLib: string;
  matmulGflops: number;
}

export interface TorchResult {
  available: boolean;
  note: string | null;
  rows: TorchRow[];
}

/** Null when `python -c 'import torch'` works, else why not. */
export function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  return r.status === 0 ? null : 'torch not installed';
}

export interface TorchBenchOptions {
  presets: PresetName[];
  batch: number;
  size: number;
  embDim: number;
  mask: number;
  threads: number;
  warmup: number;
  minSteps: number;
  minSeconds: number;
  maxSteps: number;
  /** A folder holding another libblas.so.3 (e.g. OpenBLAS) to run a second time with. */
  blasDir?: string | null;
}

/** Names the BLAS library the python process mapped. */
export function blasName(libs: string): string {
  if (/openblas/i.test(libs)) return 'OpenBLAS';
  if (/mkl/i.test(libs)) return 'MKL';
  if (/\/blas\/libblas/.test(libs)) return 'reference BLAS (libblas3)';
  if (/blis/i.test(libs)) return 'BLIS';
  return libs.split(',')[0]?.split('/').pop() ?? 'unknown';
}

function runOnce(o: TorchBenchOptions, env: NodeJS.ProcessEnv): TorchRow[] | string {
  const config: Record<string, unknown> = {};
  for (const p of o.presets) config[p] = MODEL_PRESETS[p];
  const args = [
    'bench/torch_dede.py',
    ...o.presets.flatMap((p) => ['--preset', p]),
    '--config', JSON.stringify(config),
    '--batch', String(o.batch),
    '--size', String(o.size),
    '--emb-dim', String(o.embDim),
    '--mask', String(o.mask),
    '--threads', String(o.threads),
    '--warmup', String(o.warmup),
    '--steps', String(o.minSteps),
    '--min-seconds', String(o.minSeconds),
    '--max-steps', String(o.maxSteps),
  ];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (r.status !== 0) return `torch_dede.py failed (exit ${r.status})`;
  return r.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, number & string>)
    .map((j): TorchRow => {
      const blasLib = blasName(j.blasLib ?? '');
      return {
        preset: j.preset as PresetName,
        runtime: `torch ${j.threads} thr, ${blasLib}`,
        params: j.params,
        batch: j.batch,
        threads: j.threads,
        samplesPerSec: j.samplesPerSec,
        steps: j.steps,
        seconds: j.seconds,
        torch: j.torch,
        blas: j.blas,
        blasLib,
        matmulGflops: j.matmulGflops,
      };
    });
}

/** Debian's torch as installed; then, when `blasDir` is given, again with that BLAS preloaded. */
export function benchTorch(o: TorchBenchOptions): TorchResult {
  const missing = torchMissing();
  if (missing) return { available: false, note: missing, rows: [] };
  const rows: TorchRow[] = [];
  const notes: string[] = [];
  const plain = runOnce(o, process.env);
  if (typeof plain === 'string') notes.push(plain);
  else rows.push(...plain);
  if (o.blasDir) {
    if (!existsSync(path.join(o.blasDir, 'libblas.so.3'))) notes.push(`${o.blasDir} holds no libblas.so.3`);
    else {
      const ld = [o.blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
      const swapped = runOnce(o, { ...process.env, LD_LIBRARY_PATH: ld });
      if (typeof swapped === 'string') notes.push(swapped);
      else rows.push(...swapped);
    }
  }
  return { available: true, note: notes.length ? notes.join('; ') : null, rows };
}
