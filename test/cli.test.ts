/**
 * `dede scan` as users and pipelines call it (a child process, from the repository root):
 * the exit codes, the one-line errors and the CSV contract (the real scans: detection.test.ts).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvRows, parseScoresCsv } from '../src/core/csv';
import { ROOT, errorLine, runDede, tempDir, writeImages } from './helpers/cli';
import { makeGraphModelFiles } from './helpers/graphModel';

const DATA = path.join(ROOT, 'test', 'data');
const TINY = path.join(DATA, 'tiny-dynamic.onnx');

/** A folder of `n` small PNGs (a few in a subfolder). */
function imageFolder(n = 8): string {
  const dir = tempDir();
  writeImages(dir, Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `sub/img${i}.png` : `img${i}.png`)));
  return dir;
}

/** Quick-run flags for the small synthetic folders (the real scans below use the defaults). */
const QUICK = ['--epochs', '1', '--no-cache'];

describe('dede scan: usage and bad input', () => {
  it('prints help with exit 0, and a usage line with exit 2 for missing arguments', async () => {
    const help = await runDede(['scan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: dede scan --encoder <model.onnx | model.json> --images <dir> --out <scores.csv>');
    const missing = await runDede(['scan', '--encoder', TINY]);
    expect(missing.code).toBe(2);
    expect(errorLine(missing)).toBe('dede: error: --images is required (see dede scan --help)');
    const unknown = await runDede(['scan', '--encoder', TINY, '--images', '.', '--out', 'x.csv', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(errorLine(unknown)).toMatch(/unknown option '--frobnicate'/);
    const badRule = await runDede(['scan', '--encoder', TINY, '--images', '.', '--out', 'x.csv', '--rule', 'mean:-1']);
    expect(badRule.code).toBe(2);
    expect(errorLine(badRule)).toMatch(/--rule: threshold rule "mean:-1": mean:K needs K > 0/);
  });

  it('rejects a corrupt (truncated) ONNX file', async () => {
    const dir = tempDir();
    const model = path.join(dir, 'encoder.onnx');
    writeFileSync(model, readFileSync(TINY).subarray(0, 900));
    const run = await runDede(['scan', '--encoder', model, '--images', imageFolder(), '--out', path.join(dir, 's.csv')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(/^dede: error: encoder.onnx could not be loaded by ONNX Runtime \(.*\): check the file is complete/);
  });

  it('rejects a file that is not a model', async () => {
    const dir = tempDir();
    const images = imageFolder();
    const notModel = path.join(dir, 'model.onnx');
    copyFileSync(path.join(images, 'img1.png'), notModel);
    const run = await runDede(['scan', '--encoder', notModel, '--images', images, '--out', path.join(dir, 's.csv')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      'dede: error: model.onnx is not an ONNX model or a TensorFlow.js model.json: export with torch.onnx.export or tensorflowjs_converter',
    );
  });

  it('names a missing weight shard of a TensorFlow.js model', async () => {
    const dir = tempDir();
    const json = makeGraphModelFiles().files.find((f) => f.path === 'model.json')!;
    writeFileSync(path.join(dir, 'model.json'), json.bytes);
    const run = await runDede(['scan', '--encoder', path.join(dir, 'model.json'), '--images', imageFolder(), '--out', path.join(dir, 's.csv')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      'dede: error: weight file "group1-shard1of1.bin" listed in model.json is missing: include all weight files listed in model.json',
    );
  });

  it('rejects an empty folder and a folder with no usable image', async () => {
    const dir = tempDir();
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const run = await runDede(['scan', '--encoder', TINY, '--images', empty, '--out', path.join(dir, 's.csv')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(`dede: error: --images ${empty} is empty: it must hold PNG, JPEG, WebP or BMP images`);
    const junk = path.join(dir, 'junk');
    mkdirSync(junk);
    writeFileSync(path.join(junk, 'a.png'), 'not a png');
    const run2 = await runDede(['scan', '--encoder', TINY, '--images', junk, '--out', path.join(dir, 's.csv')]);
    expect(run2.code).toBe(1);
    expect(errorLine(run2)).toMatch(/^dede: error: none of the 1 files in --images .* is a usable image \(a.png: /);
    const missing = await runDede(['scan', '--encoder', TINY, '--images', path.join(dir, 'nope'), '--out', path.join(dir, 's.csv')]);
    expect(missing.code).toBe(1);
    expect(errorLine(missing)).toMatch(/--images .*nope: no such folder$/);
  });

  it('rejects a size that contradicts the model, and NaN embeddings', async () => {
    const dir = tempDir();
    const images = imageFolder();
    const size = await runDede(['scan', '--encoder', TINY, '--images', images, '--out', path.join(dir, 's.csv'), '--size', '64']);
    expect(size.code).toBe(1);
    expect(errorLine(size)).toBe(
      'dede: error: size mismatch: the encoder takes 32 px images (fixed in the model) but size 64 was given: drop --size or pass --size 32',
    );
    const nan = await runDede(['scan', '--encoder', path.join(DATA, 'nan.onnx'), '--images', images, '--out', path.join(dir, 's.csv'), ...QUICK]);
    expect(nan.code).toBe(1);
    expect(errorLine(nan)).toMatch(/^dede: error: the encoder produced NaN or infinite embeddings: check that --size, --layout, --mean and --std/);
  });

  it('scores a folder with a few bad files without them, lists them, and quotes nasty names in the CSV', async () => {
    const images = imageFolder(10);
    writeImages(images, ['a,b "quoted".png', '=SUM(A1).png', 'deep/er/x.png']);
    writeFileSync(path.join(images, 'broken.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 1, 2]));
    writeFileSync(path.join(images, 'notes.txt'), 'a note');
    writeFileSync(path.join(images, '.DS_Store'), 'mac junk');
    const out = tempDir();
    const csv = path.join(out, 'scores.csv');
    const json = path.join(out, 'summary.json');
    const run = await runDede(['scan', '--encoder', TINY, '--images', images, '--out', csv, '--json', json, ...QUICK]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/skipped 2 file\(s\) in .*:\n {2}broken.png: corrupt PNG.*\n {2}notes.txt: not an image/);
    expect(run.stderr).not.toMatch(/DS_Store/);

    const text = readFileSync(csv, 'utf8');
    expect(text.startsWith('file,score,flagged,flagged_by,')).toBe(true);
    expect(text).toContain('"a,b ""quoted"".png",');
    expect(text).toContain('"=SUM(A1).png",');
    const rows = parseScoresCsv(text);
    expect(rows.map((r) => r.file).sort()).toEqual(
      ['=SUM(A1).png', 'a,b "quoted".png', 'deep/er/x.png', ...Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? `sub/img${i}.png` : `img${i}.png`))].sort(),
    );
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1].score).toBeGreaterThanOrEqual(rows[i].score);
    // file,score,flagged, then the witness columns (core's witnessColumns).
    expect(parseCsvRows(text)[0].fields).toEqual(['file', 'score', 'flagged', 'flagged_by', 'dede_raw', 'dede', 'density', 'lookalike', 'dede_best_donor']);
    expect(parseCsvRows(text).every((r) => r.fields.length === 9)).toBe(true);
    const byFile = new Map(parseCsvRows(text).slice(1).map((r) => [r.fields[0], r.fields]));
    for (const fields of byFile.values()) {
      expect(byFile.has(fields[8]), `best donor ${fields[8]} is a scored file`).toBe(true);
      expect(fields[8]).not.toBe(fields[0]);
      expect(fields[2] === '1').toBe(fields[3] !== '');
    }

    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.counts).toMatchObject({ images: 13, skipped: 2 });
    expect(summary.skipped.map((s: { path: string }) => s.path)).toEqual(['broken.png', 'notes.txt']);
    expect(summary.rule).toBe('tail:0.005');
    // Nominal false alarms: alpha x images x voting witnesses (a witness without an upper tail does not vote).
    const voting = summary.verdict.witnesses.filter((w: { votes: boolean }) => w.votes).length;
    expect(voting).toBeGreaterThanOrEqual(1);
    expect(summary.verdict.expectedFalseAlarms).toBeCloseTo(Number((0.005 * 13 * voting).toFixed(2)), 5);
    expect(summary.verdict.witnesses.map((w: { name: string }) => w.name)).toEqual(['dede', 'density', 'lookalike']);
    expect(summary.counts.flagged).toBe(rows.filter((r) => r.flagged).length);
    expect(rows.every((r) => r.flagged === r.score > summary.threshold)).toBe(true);
    expect(Object.keys(summary.timings)).toEqual(['decoding', 'embedding', 'training', 'scoring', 'power', 'total']);
    expect(summary.power.slice).toBe(13);
    // The default training engine is ONNX Runtime (onnxruntime-node is installed here); tfjs scores.
    expect(summary.backend).toMatch(/^onnxruntime-node cpu x\d trains.*tfjs-(wasm|cpu).* scores/);
  });
});

// The real scans (backdoored fixtures and their clean-encoder controls) are in detection.test.ts.
