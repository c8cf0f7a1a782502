/**
 * Reading the command's inputs from disk into core's InputFile shape (paths relative to the
 * given root, with `/`), with errors that say which path is wrong and what to do.
 */
import { access, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { constants as fsConstants, type Stats } from 'node:fs';
import path from 'node:path';
import type { InputFile, LazyInputFile } from '../core/types';
import { checkShardPath, declaredWeightBytes } from '../core/encoder/shards';
import { isHiddenPath } from '../core/image/decode';

/** A problem with the user's inputs (exit code 1, one line). */
export class InputError extends Error {}

/** Checks that every path the user named exists and has the right kind, before any heavy work. */
export async function checkInputPaths(args: {
  encoder: string;
  images: string;
  aux: string | null;
  labels: string | null;
}): Promise<void> {
  if (!(await statOrNull(args.encoder))) throw new InputError(`--encoder ${args.encoder}: no such file`);
  for (const [flag, dir] of [
    ['--images', args.images],
    ['--aux', args.aux],
  ] as const) {
    if (dir === null) continue;
    const st = await statOrNull(dir);
    if (!st) throw new InputError(`${flag} ${dir}: no such folder`);
    if (!st.isDirectory()) throw new InputError(`${flag} ${dir} is a file: give the folder that holds the images`);
  }
  if (args.labels !== null) {
    const st = await statOrNull(args.labels);
    if (!st || !st.isFile()) throw new InputError(`--labels ${args.labels}: no such file`);
  }
}

async function statOrNull(p: string) {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/**
 * Every file under `dir`, recursively, sorted by relative path. Symbolic links are followed to
 * regular files and folders (a folder reached twice, a link loop, is walked once); hidden
 * files and folders (core's isHiddenPath: .DS_Store, .git) are left out, as in the app. What
 * cannot be used (a broken link, a device or pipe, an unreadable file) comes back in
 * `unreadable` with the reason, never silently dropped.
 */
export async function readFolder(dir: string, flag: string): Promise<{ files: LazyInputFile[]; unreadable: { path: string; reason: string }[] }> {
  const st = await statOrNull(dir);
  if (!st) throw new InputError(`${flag} ${dir}: no such folder`);
  if (!st.isDirectory()) throw new InputError(`${flag} ${dir} is a file: give the folder that holds the images`);
  const rel: string[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const visited = new Set<string>();
  const walk = async (abs: string, prefix: string): Promise<void> => {
    const real = await realpath(abs);
    if (visited.has(real)) {
      if (prefix) unreadable.push({ path: prefix.slice(0, -1), reason: 'a link to a folder already scanned (skipped to avoid a loop)' });
      return;
    }
    visited.add(real);
    const entries = await readdir(abs, { withFileTypes: true });
    for (const e of entries) {
      const relPath = prefix + e.name;
      if (isHiddenPath(relPath)) continue;
      const full = path.join(abs, e.name);
      let kind: Stats | null = null;
      if (e.isSymbolicLink()) {
        kind = await statOrNull(full);
        if (!kind) {
          unreadable.push({ path: relPath, reason: 'a broken symbolic link' });
          continue;
        }
      }
      if (kind ? kind.isDirectory() : e.isDirectory()) await walk(full, `${relPath}/`);
      else if (kind ? kind.isFile() : e.isFile()) rel.push(relPath);
      else unreadable.push({ path: relPath, reason: 'not a regular file (a device, pipe or socket)' });
    }
  };
  await walk(dir, '');
  rel.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Bytes are read when the image's chunk is decoded (core pipeline.ts), not here: a folder of
  // large photos is never held at once. A file that cannot be opened is listed now.
  const files: LazyInputFile[] = [];
  for (const p of rel) {
    const full = path.join(dir, p);
    try {
      await access(full, fsConstants.R_OK);
      files.push({ path: p, read: async () => new Uint8Array(await readFile(full)) });
    } catch (err) {
      unreadable.push({ path: p, reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'read error'})` });
    }
  }
  return { files, unreadable };
}

/**
 * The encoder's files: an ONNX file alone, or a model.json (or a folder holding one) with the
 * weight shards its manifest lists, read from next to it. A shard path must stay inside the
 * model's folder (core's checkShardPath, then the real path after links), be a regular file
 * and be no larger than the weights the manifest declares: a manifest is untrusted data, and
 * `../../etc/passwd` or `/dev/zero` must never be read. Missing shards are left for core to
 * report, so that the browser and the CLI say the same thing.
 */
export async function readEncoderFiles(p: string): Promise<InputFile[]> {
  const st = await statOrNull(p);
  if (!st) throw new InputError(`--encoder ${p}: no such file`);
  let file = p;
  if (st.isDirectory()) {
    file = path.join(p, 'model.json');
    if (!(await statOrNull(file))) {
      throw new InputError(`--encoder ${p} is a folder without model.json: give the .onnx file or the TensorFlow.js model.json`);
    }
  }
  const fileStat = await statOrNull(file);
  if (!fileStat?.isFile()) throw new InputError(`--encoder ${file} is not a regular file: give the .onnx file or the model.json`);
  const main: InputFile = { path: path.basename(file), bytes: new Uint8Array(await readFile(file)) };
  const files = [main];
  if (!main.path.toLowerCase().endsWith('.json')) return files;
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(main.bytes)).weightsManifest;
  } catch {
    return files; // not JSON at all: core says what it is not
  }
  if (!Array.isArray(manifest)) return files;
  const modelDir = await realpath(path.dirname(file));
  const declared = declaredWeightBytes(manifest);
  let readSoFar = 0;
  for (const group of manifest) {
    for (const shard of Array.isArray(group?.paths) ? group.paths : []) {
      let rel: string;
      try {
        rel = checkShardPath(String(shard), main.path);
      } catch (err) {
        throw new InputError(`--encoder ${p}: ${(err as Error).message}`);
      }
      const shardPath = path.join(path.dirname(file), rel);
      const shardStat = await statOrNull(shardPath);
      if (!shardStat) continue;
      const real = await realpath(shardPath);
      if (path.relative(modelDir, real).startsWith('..')) {
        throw new InputError(`--encoder ${p}: the weight file "${shard}" is a link that leads out of the model's folder: copy the weight files into the folder that holds ${main.path}`);
      }
      if (!shardStat.isFile()) {
        throw new InputError(`--encoder ${p}: the weight file "${shard}" is not a regular file (a device, pipe or folder): give the real weight files`);
      }
      readSoFar += shardStat.size;
      if (declared !== null && readSoFar > declared) {
        throw new InputError(
          `--encoder ${p}: the weight files are larger than the ${declared} bytes of weights ${main.path} declares ("${shard}" is ${shardStat.size} bytes): they are not this model's weights; re-export with tensorflowjs_converter`,
        );
      }
      files.push({ path: rel, bytes: await readBounded(shardPath, shardStat.size) });
    }
  }
  return files;
}

/** Reads at most `limit` bytes (a file that grows after stat is cut, not read without end). */
async function readBounded(file: string, limit: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(limit);
    let at = 0;
    while (at < limit) {
      const { bytesRead } = await handle.read(buf, at, limit - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === limit ? buf : buf.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** Reads a text file the user named (labels), or fails with the flag's name. */
export async function readTextFile(p: string, flag: string): Promise<string> {
  const st = await statOrNull(p);
  if (!st || !st.isFile()) throw new InputError(`${flag} ${p}: no such file`);
  return readFile(p, 'utf8');
}
