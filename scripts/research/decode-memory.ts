/**
 * Peak resident memory of core's loadImages on 64 large photos (2,000 x 2,000 px PNG, one
 * decode chunk): what a chunk holds while it decodes. Run it in a fresh process per version.
 *
 *   npx tsx scripts/research/decode-memory.ts
 */
import { readFileSync } from 'node:fs';
import { encode } from 'fast-png';
import { loadImages } from '../../src/core/pipeline';
import { FIXTURE_PRE } from './fixture-data';
import type { LazyInputFile } from '../../src/core/types';

const side = 2000;
const rgb = new Uint8Array(side * side * 3);
for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 2654435761) >>> 24; // busy pixels, so the PNG is not tiny
const png = encode({ width: side, height: side, data: rgb, channels: 3 });
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const before = hwm();
const files: LazyInputFile[] = Array.from({ length: 64 }, (_, i) => ({ path: `p${i}.png`, read: async () => png.slice() }));
const t0 = performance.now();
const r = await loadImages(files, FIXTURE_PRE);
console.log(`64 photos of ${side} x ${side} (${(png.length / 1e6).toFixed(1)} MB PNG each): ${r.paths.length} loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; peak RSS ${before.toFixed(0)} -> ${hwm().toFixed(0)} MiB`);
