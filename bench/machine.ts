/**
 * What the numbers were measured on: CPU, cores, load and library versions. The load average
 * matters here: the bench shares the CPU with whatever else runs, and a load above 2 on a
 * 2-core machine means every figure below is lower than an idle machine would give.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export interface MachineInfo {
  cpuModel: string;
  nproc: number;
  memGiB: number;
  node: string;
  tfjs: string;
  onnxruntimeWeb: string;
  platform: string;
  /** os.loadavg() at the start, and at the end of the run (1, 5, 15 minutes). */
  loadStart: number[];
  loadEnd: number[] | null;
}

/** Load above this (1-minute average) marks the results as measured under load. */
export const LOAD_LIMIT = 2;

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall through to what Node knows
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  try {
    const file = path.join(process.cwd(), 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    tfjs: tf.version.tfjs,
    onnxruntimeWeb: packageVersion('onnxruntime-web'),
    platform: `${os.platform()} ${os.arch()}`,
    loadStart: os.loadavg(),
    loadEnd: null,
  };
}

/** True when either end of the run saw a 1-minute load average above LOAD_LIMIT. */
export function underLoad(m: MachineInfo): boolean {
  return Math.max(m.loadStart[0], m.loadEnd?.[0] ?? 0) > LOAD_LIMIT;
}
