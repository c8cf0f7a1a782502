import { describe, expect, it } from 'vitest';
import { filesFromEntries, filesFromInput } from './collectFiles';

type Tree = { [name: string]: Tree | string };

/** Fake FileSystemEntry objects for a tree, whose readers hand out at most 2 entries per call (like Chrome's 100). */
function entry(name: string, node: Tree | string): FileSystemEntry {
  if (typeof node === 'string') {
    return { name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(new File([node], name)) } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node).map(([n, c]) => entry(n, c));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (batch: FileSystemEntry[]) => void) => {
          const batch = children.slice(at, at + 2);
          at += 2;
          ok(batch);
        },
      };
    },
  } as unknown as FileSystemEntry;
}

describe('filesFromEntries', () => {
  it('walks a dropped folder recursively, paths relative to it without its own name', async () => {
    const root = entry('suspect', { 'a.png': 'A', 'b.png': 'B', 'c.png': 'C', sub: { 'd.png': 'D', deeper: { 'e.png': 'E' } } });
    const got = await filesFromEntries([root], []);
    expect(got.source).toBe('suspect');
    expect(got.refs.map((r) => r.path).sort()).toEqual(['a.png', 'b.png', 'c.png', 'sub/d.png', 'sub/deeper/e.png']);
    expect(await got.refs.find((r) => r.path === 'sub/deeper/e.png')!.file.text()).toBe('E');
  });

  it('keeps folder names when several items are dropped', async () => {
    const got = await filesFromEntries([entry('model.json', '{}'), entry('shards', { 'w1.bin': 'x' })], []);
    expect(got.refs.map((r) => r.path)).toEqual(['model.json', 'shards/w1.bin']);
  });

  it('falls back to the plain file list when the browser gives no entries', async () => {
    const got = await filesFromEntries([], [new File(['x'], 'one.png')]);
    expect(got).toMatchObject({ source: '1 file', refs: [{ path: 'one.png' }] });
  });
});

describe('filesFromInput', () => {
  it('strips the picked folder name from webkitRelativePath', () => {
    const f = (name: string, rel: string) => Object.assign(new File(['x'], name), { webkitRelativePath: rel });
    const list = [f('a.png', 'imgs/a.png'), f('b.png', 'imgs/batch2/b.png')] as unknown as FileList;
    const got = filesFromInput(list);
    expect(got.source).toBe('imgs');
    expect(got.refs.map((r) => r.path)).toEqual(['a.png', 'batch2/b.png']);
  });
});
