/**
 * `npm run bench:anchor`: decoder training speed against PyTorch in its best CPU configuration,
 * measured in the same run, as a ratio (README "Benchmarks"); see bench/anchorBench.ts. Writes
 * bench/anchor.json. `npm run bench` runs the same beside the rest.
 *
 *   npm run bench:anchor [-- --quick] [-- --presets fast]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { PresetName } from '../src/core/options';
import { anchorTable, benchAnchor } from './anchorBench';

const { values: a } = parseArgs({ options: { quick: { type: 'boolean', default: false }, presets: { type: 'string', default: 'fast,paper' } } });
const out = await benchAnchor({ quick: a.quick!, presets: a.presets!.split(',') as PresetName[] });
writeFileSync('bench/anchor.json', JSON.stringify(out, null, 2) + '\n');
console.log(anchorTable(out));
