/**
 * Files from a folder picker or a drag-drop, as FileRefs whose paths are relative to the
 * dropped folder's root (without the root's own name), with `/` separators: the paths that
 * scores.csv and labels.csv use. Dropped folders are walked recursively.
 */
import type { FileRef } from '../../worker/protocol';

export interface CollectedFiles {
  refs: FileRef[];
  /** The dropped folder's name, or a description of the dropped files. */
  source: string;
}

/** From an <input type=file> (webkitdirectory or not). */
export function filesFromInput(list: FileList | null): CollectedFiles {
  const files = Array.from(list ?? []);
  const withRoot = files.filter((f) => f.webkitRelativePath);
  if (withRoot.length === 0) {
    return { refs: files.map((f) => ({ path: f.name, file: f })), source: describe(files.length) };
  }
  const root = withRoot[0].webkitRelativePath.split('/')[0];
  const refs = files.map((f) => {
    const rel = f.webkitRelativePath || f.name;
    return { path: rel.startsWith(root + '/') ? rel.slice(root.length + 1) : rel, file: f as Blob };
  });
  return { refs, source: root };
}

function describe(n: number): string {
  return n === 1 ? '1 file' : `${n} files`;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call: call until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: FileRef[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: prefix + entry.name, file });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/**
 * From a drop. Entries must be taken synchronously inside the drop event (the DataTransfer
 * empties afterwards), hence `entriesOf` then the async `filesFromEntries`.
 */
export function entriesOf(dt: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items)) {
    const entry = item.kind === 'file' ? item.webkitGetAsEntry?.() : null;
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(dt.files) };
}

export async function filesFromEntries(entries: FileSystemEntry[], files: File[]): Promise<CollectedFiles> {
  if (entries.length === 0) return { refs: files.map((f) => ({ path: f.name, file: f })), source: describe(files.length) };
  const refs: FileRef[] = [];
  if (entries.length === 1 && entries[0].isDirectory) {
    // One folder dropped: paths are relative to it.
    const root = entries[0] as FileSystemDirectoryEntry;
    for (const child of await readAll(root.createReader())) await walk(child, '', refs);
    return { refs, source: root.name };
  }
  for (const entry of entries) await walk(entry, '', refs);
  return { refs, source: describe(refs.length) };
}
