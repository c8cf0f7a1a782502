/** Running the real `dede` command (bin/dede.mjs) in a child process, and making its inputs. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'fast-png';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'dede.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs `node bin/dede.mjs ...args` with its own cache folder; never throws on a non-zero exit. */
export function runDede(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: opts.cwd ?? ROOT,
        env: { ...process.env, DEDE_DEBUG: '', ...opts.env },
        timeout: opts.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
      },
    );
  });
}

export function tempDir(prefix = 'dede-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A seeded size x size RGB PNG: a random background with a solid square of a random colour. */
export function pngBytes(seed: number, size = 32): Uint8Array {
  let s = (seed * 2654435761 + 1) >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const data = new Uint8Array(size * size * 3);
  const colour = [rand(), rand(), rand()].map((v) => Math.floor(v * 256));
  const x0 = Math.floor(rand() * size * 0.5);
  const y0 = Math.floor(rand() * size * 0.5);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        const inside = x >= x0 && x < x0 + size / 2 && y >= y0 && y < y0 + size / 2;
        data[(y * size + x) * 3 + c] = inside ? colour[c] : Math.floor(rand() * 256);
      }
  return encode({ width: size, height: size, data, channels: 3, depth: 8 });
}

/** Writes `names` (relative paths, folders created) as PNG images under `dir`. */
export function writeImages(dir: string, names: string[], size = 32): void {
  names.forEach((name, i) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, pngBytes(i + 1, size));
  });
}

/** The error contract: exactly one stderr line "dede: error: ...", no stack frames. */
export function errorLine(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('dede: error: '));
  if (errors.length !== 1) throw new Error(`expected one "dede: error:" line, got stderr:\n${run.stderr}`);
  if (/^\s+at\s/m.test(run.stderr)) throw new Error(`stack trace on stderr:\n${run.stderr}`);
  return errors[0];
}
