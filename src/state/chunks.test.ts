import { describe, expect, it } from 'vitest';
import { STAGE_CHUNK, stageInChunks } from './chunks';
import type { FileRef } from '../worker/protocol';

const refs = (n: number): FileRef[] => Array.from({ length: n }, (_, i) => ({ path: `${i}.png`, file: new Blob([]) }));

describe('stageInChunks', () => {
  it('sends every file once, in order, at most `chunk` per message, the first one resetting the list', async () => {
    const sent: { paths: string[]; first: boolean }[] = [];
    await stageInChunks(refs(251), async (part, first) => sent.push({ paths: part.map((r) => r.path), first }), 100);
    expect(sent.map((s) => s.paths.length)).toEqual([100, 100, 51]);
    expect(sent.map((s) => s.first)).toEqual([true, false, false]);
    expect(sent.flatMap((s) => s.paths)).toEqual(refs(251).map((r) => r.path));
  });

  it('waits for each message before sending the next (the page runs in between)', async () => {
    const log: string[] = [];
    await stageInChunks(refs(3), async (part) => {
      log.push(`start ${part[0].path}`);
      await new Promise((r) => setTimeout(r, 1));
      log.push(`end ${part[0].path}`);
    }, 1);
    expect(log).toEqual(['start 0.png', 'end 0.png', 'start 1.png', 'end 1.png', 'start 2.png', 'end 2.png']);
  });

  it('an empty folder still resets the staged list (one empty message)', async () => {
    const sent: [number, boolean][] = [];
    await stageInChunks([], async (part, first) => sent.push([part.length, first]));
    expect(sent).toEqual([[0, true]]);
    // Measured: 100 files per message keep each main-thread task near 50 ms (app-large.ts).
    expect(STAGE_CHUNK).toBe(100);
  });
});
