/**
 * The large-folder figure (issues 8 and 10): `dede scan` at its defaults on N real images
 * (Fashion-MNIST from Debian's dataset-fashion-mnist, written as PNG files once into a cache
 * folder), timed per phase, with the peak resident memory of the whole CLI process measured by
 * the kernel (/proc/<pid>/status VmHWM of the child, polled; the child's own figure, not a
 * sum over its threads' stacks).
 *
 *   npx tsx bench/large-folder.ts [images=50000] [encoder=fixtures/patch/encoder.onnx] [size=28]
 *
 * `size` > 28 writes the images upscaled to size x size (core's resample, bilinear), so decoding costs what a
 * folder of that size costs: `npx tsx bench/large-folder.ts 1000 fixtures/r224/encoder.onnx 224`
 * is the issue's "1,000 images at 224 px, drop to verdict". The record goes to
 * bench/scan-<images>x<size>.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { encode } from 'fast-png';
import { resample } from '../src/core/image/resample';

const n = Number(process.argv[2] ?? 50000);
const encoder = process.argv[3] ?? 'fixtures/patch/encoder.onnx';
const size = Number(process.argv[4] ?? 28);
const src = '/usr/share/datasets/fashion-mnist';
const folder = join(tmpdir(), size === 28 ? `dede-large-${n}` : `dede-large-${n}-${size}px`);

/** A 28 x 28 gray image upscaled to size x size with core's resampler (bilinear with half-pixel centres when upscaling). */
function upscale(px: Uint8Array): Uint8Array {
  if (size === 28) return px;
  const rgba = new Uint8ClampedArray(28 * 28 * 4);
  px.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
  const out = resample({ width: 28, height: 28, data: rgba }, size, size).data;
  return Uint8Array.from({ length: size * size }, (_, i) => out[i * 4]);
}

// The "written" marker sits beside the folder, not in it (the scan would list it as a skipped file).
const marker = `${folder}.done`;
if (existsSync(join(folder, 'done'))) renameSync(join(folder, 'done'), marker);
if (!existsSync(marker)) {
  mkdirSync(folder, { recursive: true });
  const sets = ['train', 't10k'].map((s) => gunzipSync(readFileSync(join(src, `${s}-images-idx3-ubyte.gz`))));
  let written = 0;
  for (const buf of sets) {
    const count = buf.readUInt32BE(4);
    for (let i = 0; i < count && written < n; i++, written++) {
      const px = buf.subarray(16 + i * 784, 16 + (i + 1) * 784);
      const sub = join(folder, String(Math.floor(written / 1000)).padStart(3, '0'));
      if (written % 1000 === 0) mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `${written}.png`), encode({ width: size, height: size, data: upscale(px), channels: 1 }));
    }
  }
  if (written < n) throw new Error(`Fashion-MNIST holds ${written} images, fewer than ${n}`);
  writeFileSync(marker, '');
}

if (process.env.PREPARE_ONLY === '1') process.exit(0);
const out = join(tmpdir(), `dede-large-${n}-${size}-scores.csv`);
const json = join(tmpdir(), `dede-large-${n}-${size}.json`);
const started = performance.now();
const child = spawn(process.execPath, ['bin/dede.mjs', 'scan', '--encoder', encoder, '--images', folder, '--out', out, '--json', json, '--force', '--no-cache', '--norm', 'cifar10'], { stdio: ['ignore', 'inherit', 'inherit'] });
let peakKb = 0;
const poll = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  } catch {
    // the child has exited
  }
}, 500);
const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
clearInterval(poll);
const seconds = (performance.now() - started) / 1000;
const summary = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : null;
const record = JSON.stringify({
  images: n,
  imageSize: size,
  encoder,
  date: new Date().toISOString(),
  exitCode: code,
  seconds: Number(seconds.toFixed(1)),
  peakRssMiB: Math.round(peakKb / 1024),
  timings: summary?.timings ?? null,
  trainImages: summary?.counts?.trainImages ?? null,
  epochs: summary?.settings?.train?.epochsTrained ?? null,
  flaggedShare: summary ? summary.counts.flagged / n : null,
});
console.log(record);
writeFileSync(`bench/scan-${n}x${size}.json`, record + '\n');
