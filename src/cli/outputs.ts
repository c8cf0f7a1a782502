/**
 * The scan's outputs, checked before any work: an output may never be an input (scores written
 * over the labels, the encoder or an image would destroy the analyst's data), two outputs may
 * not share a file, a read-only file is not replaced without --force, and each output's folder
 * must take a new file. Every refusal is one sentence that says what to do, and nothing is
 * left behind by the checks.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './files';

export interface OutputPlan {
  out: string;
  json: string | null;
  checkpoint: string | null;
  report?: string | null;
  /** Inputs that are single files (encoder, labels). */
  inputFiles: (string | null)[];
  /** Input folders: no output may be written inside them. */
  inputDirs: (string | null)[];
  force: boolean;
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
async function realOrPlanned(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return path.join(await realpath(at), ...rest);
    } catch {
      const up = path.dirname(at);
      if (up === at) return abs;
      rest.unshift(path.basename(at));
      at = up;
    }
  }
}

async function statOrNull(p: string) {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/** The deepest folder of `file`'s path that exists (the one a new file or folder goes into). */
async function existingAncestor(file: string): Promise<string> {
  let dir = path.dirname(path.resolve(file));
  while (!(await statOrNull(dir))?.isDirectory()) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

const inside = (child: string, dir: string) => {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Throws an InputError for the first output that cannot or must not be written. */
export async function checkOutputs(plan: OutputPlan): Promise<void> {
  const outputs = [
    ['--out', plan.out],
    ['--json', plan.json],
    ['--checkpoint', plan.checkpoint],
    ['--report', plan.report ?? null],
  ].filter((o): o is [string, string] => o[1] !== null);
  const inputFiles = await Promise.all(plan.inputFiles.filter((f): f is string => f !== null).map(realOrPlanned));
  const inputDirs = await Promise.all(plan.inputDirs.filter((d): d is string => d !== null).map(realOrPlanned));
  const seen = new Map<string, string>();
  for (const [flag, file] of outputs) {
    const real = await realOrPlanned(file);
    const other = seen.get(real);
    if (other) throw new InputError(`${flag} ${file} is the same file as ${other}: give each output its own file`);
    seen.set(real, `${flag} ${file}`);
    if (inputFiles.includes(real)) {
      throw new InputError(`${flag} ${file} is one of the scan's inputs: an output never overwrites an input; choose another file name`);
    }
    const dir = inputDirs.find((d) => inside(real, d));
    if (dir !== undefined) {
      throw new InputError(`${flag} ${file} lies inside an input folder (${dir}): it could overwrite an image or be scanned as one next time; write it elsewhere`);
    }
    const st = await statOrNull(file);
    if (st?.isDirectory()) throw new InputError(`${flag} ${file} is a folder: give a file name`);
    if (st && !st.isFile()) throw new InputError(`${flag} ${file} is not a regular file (a device or pipe): give a file name`);
    // The checkpoint is read back to resume, so only the outputs that are replaced need --force.
    if (st && flag !== '--checkpoint' && !plan.force && ((st.mode & 0o222) === 0 || !(await canAccess(file, constants.W_OK)))) {
      throw new InputError(`${flag} ${file} is read-only: choose another file, make it writable, or pass --force to replace it`);
    }
    if (st && flag === '--checkpoint' && (st.mode & 0o222) === 0) {
      throw new InputError(`${flag} ${file} is read-only, so the scan could not save its progress: make it writable or choose another file`);
    }
    await probeFolder(flag, file);
  }
}

async function canAccess(p: string, mode: number): Promise<boolean> {
  try {
    await access(p, mode);
    return true;
  } catch {
    return false;
  }
}

/** Creates and removes a probe file where `file` will go, so a folder that takes no file fails now. */
async function probeFolder(flag: string, file: string): Promise<void> {
  const dir = await existingAncestor(file);
  const probe = path.join(dir, `.dede-probe-${process.pid}-${Date.now()}`);
  try {
    await writeFile(probe, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${flag} ${file}: cannot write into ${dir} (${code}): choose a folder you can write to`);
  }
  await unlink(probe).catch(() => undefined);
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file; the temporary is removed on failure. */
export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** The encoder's own files: the ONNX file, or model.json and every shard path its manifest lists. */
export async function encoderFilePaths(encoder: string): Promise<string[]> {
  const json = (await statOrNull(encoder))?.isDirectory() ? path.join(encoder, 'model.json') : encoder;
  if (!/\.json$/i.test(json)) return [json];
  try {
    const manifest = JSON.parse(await readFile(json, 'utf8')).weightsManifest as { paths?: unknown[] }[];
    const shards = manifest.flatMap((g) => (Array.isArray(g?.paths) ? g.paths.map(String) : []));
    return [json, ...shards.map((s) => path.join(path.dirname(json), s))];
  } catch {
    return [json];
  }
}
