/**
 * What `dede scan` refuses, and why (README "What the tool refuses"): weight paths that leave
 * the model's folder or name special files, outputs that would overwrite an input, read-only or
 * unwritable outputs, checkpoints made for other inputs, and values that can only be mistakes.
 * Each refusal must come before any work, as one line, leaving every input byte-identical.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScoresCsv } from '../src/core/csv';
import { ROOT, errorLine, runDede, tempDir, writeImages } from './helpers/cli';
import { makeGraphModelFiles } from './helpers/graphModel';

const TINY = path.join(ROOT, 'test', 'data', 'tiny-dynamic.onnx');
const OTHER_ENCODER = path.join(ROOT, 'test', 'data', 'tiny-batch1.onnx');
const QUICK = ['--epochs', '1', '--no-cache', '--batch', '4'];

function imageFolder(n = 8, seedNames = 'img'): string {
  const dir = tempDir();
  writeImages(dir, Array.from({ length: n }, (_, i) => `${seedNames}${i}.png`));
  return dir;
}

/** A tfjs graph model folder whose manifest lists `shardPath`; the real shard is written to `realShardAt` when given. */
function modelWithShard(shardPath: string, realShardAt?: string): { dir: string; json: string; shard: Uint8Array } {
  const root = tempDir();
  const dir = path.join(root, 'model');
  mkdirSync(dir);
  const files = makeGraphModelFiles().files;
  const modelJson = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'model.json')!.bytes));
  modelJson.weightsManifest[0].paths = [shardPath];
  const json = path.join(dir, 'model.json');
  writeFileSync(json, JSON.stringify(modelJson));
  const shard = files.find((f) => f.path.endsWith('.bin'))!.bytes;
  if (realShardAt) {
    const at = path.resolve(dir, realShardAt);
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, shard);
  }
  return { dir: root, json, shard };
}

const scanArgs = (encoder: string, images: string, out: string, ...more: string[]) => [
  'scan',
  '--encoder',
  encoder,
  '--images',
  images,
  '--out',
  out,
  ...more,
];

describe('weight shards stay inside the model folder', () => {
  it('refuses manifest paths that climb out of the folder or are absolute', async () => {
    const images = imageFolder();
    for (const shardPath of ['../elsewhere/shard.bin', '../../../../etc/passwd', '/dev/zero', 'sub/../../x.bin', 'file:///etc/passwd']) {
      const m = modelWithShard(shardPath, shardPath.startsWith('../elsewhere') ? shardPath : undefined);
      const run = await runDede(scanArgs(m.json, images, path.join(m.dir, 's.csv'), ...QUICK), { timeoutMs: 60_000 });
      expect(run.code, shardPath).toBe(1);
      expect(errorLine(run), shardPath).toMatch(/lists the weight file ".*", which (climbs out of the model folder|is an absolute or backslash path|is a URL or a drive path): weight files must sit in the model's own folder/);
    }
  });

  it('refuses a shard that is a link out of the folder, a special file, or larger than the manifest declares', async () => {
    const images = imageFolder();
    const linked = modelWithShard('group1-shard1of1.bin');
    symlinkSync('/dev/zero', path.join(linked.dir, 'model', 'group1-shard1of1.bin'));
    const run = await runDede(scanArgs(linked.json, images, path.join(linked.dir, 's.csv'), ...QUICK), { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(/the weight file "group1-shard1of1.bin" is a link that leads out of the model's folder/);

    const fifo = modelWithShard('group1-shard1of1.bin');
    execFileSync('mkfifo', [path.join(fifo.dir, 'model', 'group1-shard1of1.bin')]);
    const run2 = await runDede(scanArgs(fifo.json, images, path.join(fifo.dir, 's.csv'), ...QUICK), { timeoutMs: 60_000 });
    expect(run2.code).toBe(1);
    expect(errorLine(run2)).toMatch(/"group1-shard1of1.bin" is not a regular file \(a device, pipe or folder\)/);

    const big = modelWithShard('group1-shard1of1.bin');
    writeFileSync(path.join(big.dir, 'model', 'group1-shard1of1.bin'), new Uint8Array(8 * 1024 * 1024));
    const run3 = await runDede(scanArgs(big.json, images, path.join(big.dir, 's.csv'), ...QUICK), { timeoutMs: 60_000 });
    expect(run3.code).toBe(1);
    expect(errorLine(run3)).toMatch(/larger than the 56 bytes of weights model.json declares \("group1-shard1of1.bin" is 8388608 bytes\)/);
  });

  it('still loads a well-formed model whose shard sits in a subfolder of the model folder', async () => {
    const m = modelWithShard('./weights/group1-shard1of1.bin', 'weights/group1-shard1of1.bin');
    const out = path.join(m.dir, 's.csv');
    const run = await runDede(scanArgs(m.json, imageFolder(), out, ...QUICK));
    expect(run.code, run.stderr).toBe(0);
    expect(parseScoresCsv(readFileSync(out, 'utf8')).length).toBe(8);
  });
});

describe('an output is never an input', () => {
  it('refuses --out equal to the labels, the encoder, the --json file or an image, and leaves them untouched', async () => {
    const dir = tempDir();
    const images = imageFolder();
    const labels = path.join(dir, 'labels.csv');
    writeFileSync(labels, 'file,poisoned\nimg0.png,1\nimg1.png,0\n');
    const encoder = path.join(dir, 'enc.onnx');
    writeFileSync(encoder, readFileSync(TINY));
    const json = path.join(dir, 'summary.json');
    const cases: [string, string[], RegExp][] = [
      [labels, ['--labels', labels], /--out .*labels.csv is one of the scan's inputs: an output never overwrites an input/],
      [encoder, [], /--out .*enc.onnx is one of the scan's inputs/],
      [json, ['--json', json], /--json .*summary.json is the same file as --out/],
      [path.join(images, 'img3.png'), [], /--out .*img3.png lies inside an input folder/],
    ];
    const before = new Map([labels, encoder, path.join(images, 'img3.png')].map((f) => [f, readFileSync(f)]));
    for (const [out, extra, message] of cases) {
      const run = await runDede(scanArgs(encoder, images, out, ...QUICK, ...extra), { timeoutMs: 60_000 });
      expect(run.code, out).toBe(1);
      expect(errorLine(run)).toMatch(message);
    }
    for (const [file, bytes] of before) expect(readFileSync(file).equals(bytes), file).toBe(true);
  });

  it('refuses a read-only --out unless --force, and an unwritable folder or a folder as --checkpoint before any work', async () => {
    const dir = tempDir();
    const images = imageFolder();
    const out = path.join(dir, 'scores.csv');
    writeFileSync(out, 'precious\n');
    chmodSync(out, 0o444);
    const ro = await runDede(scanArgs(TINY, images, out, ...QUICK), { timeoutMs: 60_000 });
    expect(ro.code).toBe(1);
    expect(errorLine(ro)).toMatch(/--out .*scores.csv is read-only: choose another file, make it writable, or pass --force/);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
    expect(statSync(out).mode & 0o777).toBe(0o444);

    const forced = await runDede(scanArgs(TINY, images, out, ...QUICK, '--force'));
    expect(forced.code, forced.stderr).toBe(0);
    expect(parseScoresCsv(readFileSync(out, 'utf8')).length).toBe(8);

    // /proc takes no new files, even for root (chmod does not stop root, so it cannot stand in).
    const unwritable = await runDede(scanArgs(TINY, images, '/proc/dede-scores.csv', ...QUICK), { timeoutMs: 60_000 });
    expect(unwritable.code).toBe(1);
    expect(errorLine(unwritable)).toMatch(/--out \/proc\/dede-scores.csv: cannot write into \/proc \(\w+\): choose a folder you can write to/);
    expect(unwritable.stderr).not.toMatch(/embedding|training/);

    const folder = path.join(dir, 'ckpt');
    mkdirSync(folder);
    const ck = await runDede(scanArgs(TINY, images, path.join(dir, 'o.csv'), ...QUICK, '--checkpoint', folder), { timeoutMs: 60_000 });
    expect(ck.code).toBe(1);
    expect(errorLine(ck)).toMatch(/--checkpoint .*ckpt is a folder: give a file name/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.startsWith('.dede-probe'))).toEqual([]);
  });
});

describe('checkpoints belong to one encoder and one image set', () => {
  it('refuses a checkpoint made for other images or another encoder, and says when it holds more epochs than asked', async () => {
    const dir = tempDir();
    const images = imageFolder(8);
    const ckpt = path.join(dir, 'run.ckpt');
    const json = path.join(dir, 'summary.json');
    const first = await runDede(scanArgs(TINY, images, path.join(dir, 'a.csv'), '--no-cache', '--batch', '4', '--epochs', '2', '--checkpoint', ckpt));
    expect(first.code, first.stderr).toBe(0);

    const otherImages = imageFolder(8, 'other');
    const wrongImages = await runDede(scanArgs(TINY, otherImages, path.join(dir, 'b.csv'), ...QUICK, '--epochs', '2', '--checkpoint', ckpt));
    expect(wrongImages.code).toBe(1);
    expect(errorLine(wrongImages)).toMatch(/the checkpoint was trained on other images or other preprocessing than this scan's/);

    const wrongEncoder = await runDede(scanArgs(OTHER_ENCODER, images, path.join(dir, 'c.csv'), ...QUICK, '--epochs', '2', '--checkpoint', ckpt));
    expect(wrongEncoder.code).toBe(1);
    expect(errorLine(wrongEncoder)).toMatch(/the checkpoint was trained for another encoder \(sha-256 [0-9a-f]{12}\.\.\., this one is [0-9a-f]{12}\.\.\.\)/);

    const fewer = await runDede(scanArgs(TINY, images, path.join(dir, 'd.csv'), '--no-cache', '--batch', '4', '--epochs', '1', '--checkpoint', ckpt, '--json', json));
    expect(fewer.code, fewer.stderr).toBe(0);
    expect(fewer.stderr).toMatch(/note: the checkpoint's decoders already trained 2 epochs, more than the 1 asked/);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.settings.train).toMatchObject({ epochs: 1, epochsTrained: 2, resumedFromEpoch: 2 });
  });
});

describe('values that can only be mistakes, links and notes', () => {
  it('refuses a tiny std and an out-of-range background before any work', async () => {
    const dir = tempDir();
    const images = imageFolder();
    const std = await runDede(scanArgs(TINY, images, path.join(dir, 's.csv'), '--std', '1e-30,1,1'));
    expect(std.code).toBe(2);
    expect(errorLine(std)).toMatch(/--std 1e-30,1,1 is outside 0.001-2: give it for pixels on \[0,1\]/);
    const mean = await runDede(scanArgs(TINY, images, path.join(dir, 's.csv'), '--mean', '123.7,116.3,103.5'));
    expect(mean.code).toBe(2);
    expect(errorLine(mean)).toMatch(/--mean 123.7,116.3,103.5 is outside -1 to 2: .*divide 0-255 values by 255/);
    const bg = await runDede(scanArgs(TINY, images, path.join(dir, 's.csv'), '--background', '300,0,0'));
    expect(bg.code).toBe(2);
    expect(errorLine(bg)).toMatch(/--background 300,0,0 must be three whole numbers from 0 to 255/);
  });

  it('refuses a rebuild size whose training step cannot fit, before decoding an image; a 224-px input is rebuilt at 32 px', async () => {
    const dir = tempDir();
    const images = imageFolder(4);
    const spatial = path.join(ROOT, 'test', 'data', 'spatial.onnx');
    for (const size of ['224', '1024']) {
      const run = await runDede(scanArgs(spatial, images, path.join(dir, 's.csv'), ...QUICK, '--size', size, '--rebuild-size', size), { timeoutMs: 60_000 });
      expect(run.code, size).toBe(1);
      expect(errorLine(run)).toMatch(new RegExp(`at ${size} px the decoder sees ${(Number(size) / 4) ** 2} patches per image and one training step of batch 4 needs about [\\d.]+ GB`));
      expect(run.stderr).not.toMatch(/embedding/);
    }
    const big = await runDede(scanArgs(spatial, images, path.join(dir, 's.csv'), '--no-cache', '--epochs', '1', '--size', '224', '--rebuild-size', '224'), { timeoutMs: 60_000 });
    expect(errorLine(big)).toMatch(/this rebuild size is too large for the 4-px patch decoder: use --rebuild-size 64 or less/);
    // The same encoder and size with the default rebuild size scans.
    const ok = await runDede(scanArgs(spatial, images, path.join(dir, 's.csv'), ...QUICK, '--size', '224'), { timeoutMs: 120_000 });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/size 224 px \(given; the model's input size is dynamic\), decoder rebuilds 32 px \(area-averaged from 224 px\)/);
  });

  it('follows links to images and folders, walks a link loop once, lists broken links, and says when --masks has no effect', async () => {
    const dir = tempDir();
    const images = imageFolder(6);
    const elsewhere = imageFolder(3, 'far');
    symlinkSync(path.join(elsewhere, 'far0.png'), path.join(images, 'linked.png'));
    symlinkSync(elsewhere, path.join(images, 'linkdir'));
    symlinkSync(images, path.join(images, 'loop'));
    symlinkSync(path.join(dir, 'gone.png'), path.join(images, 'broken.png'));
    const out = path.join(dir, 's.csv');
    const run = await runDede(scanArgs(TINY, images, out, ...QUICK, '--masks', '4'));
    expect(run.code, run.stderr).toBe(0);
    const files = parseScoresCsv(readFileSync(out, 'utf8')).map((r) => r.file).sort();
    expect(files).toEqual(['img0.png', 'img1.png', 'img2.png', 'img3.png', 'img4.png', 'img5.png', 'linkdir/far0.png', 'linkdir/far1.png', 'linkdir/far2.png', 'linked.png']);
    expect(run.stderr).toMatch(/broken.png: a broken symbolic link/);
    expect(run.stderr).toMatch(/loop: a link to a folder already scanned/);
    expect(run.stderr).toMatch(/note: 4 score masks have no effect here: at score mask 0.99 no patch of a 32 px rebuild stays visible/);
  });
});
