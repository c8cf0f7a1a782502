/**
 * Reading the command's inputs from disk into core's InputFile shape (paths relative to the
 * given root, with `/`), with errors that say which path is wrong and what to do.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InputFile } from '../core/types';

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
 * Every file under `dir`, recursively, sorted by relative path; dot-files and dot-folders
 * (.DS_Store, .git) are left out. Unreadable files come back with empty bytes and a reason.
 */
export async function readFolder(dir: string, flag: string): Promise<{ files: InputFile[]; unreadable: { path: string; reason: string }[] }> {
  const st = await statOrNull(dir);
  if (!st) throw new InputError(`${flag} ${dir}: no such folder`);
  if (!st.isDirectory()) throw new InputError(`${flag} ${dir} is a file: give the folder that holds the images`);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const rel: string[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    // Node >= 20.12 names the folder `parentPath`; older 20.x call it `path`.
    const parent = (e as { parentPath?: string }).parentPath ?? (e as unknown as { path: string }).path;
    const relPath = path.relative(dir, path.join(parent, e.name)).split(path.sep).join('/');
    if (relPath.split('/').some((part) => part.startsWith('.'))) continue;
    rel.push(relPath);
  }
  rel.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: InputFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  for (const p of rel) {
    try {
      files.push({ path: p, bytes: new Uint8Array(await readFile(path.join(dir, p))) });
    } catch (err) {
      unreadable.push({ path: p, reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'read error'})` });
    }
  }
  return { files, unreadable };
}

/**
 * The encoder's files: an ONNX file alone, or a model.json (or a folder holding one) with the
 * weight shards its manifest lists, read from next to it. Missing shards are left for core to
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
  for (const group of manifest) {
    for (const shard of Array.isArray(group?.paths) ? group.paths : []) {
      const shardPath = path.join(path.dirname(file), String(shard));
      if (await statOrNull(shardPath)) files.push({ path: String(shard), bytes: new Uint8Array(await readFile(shardPath)) });
    }
  }
  return files;
}

/** Reads a text file the user named (labels), or fails with the flag's name. */
export async function readTextFile(p: string, flag: string): Promise<string> {
  const st = await statOrNull(p);
  if (!st || !st.isFile()) throw new InputError(`${flag} ${p}: no such file`);
  return readFile(p, 'utf8');
}
