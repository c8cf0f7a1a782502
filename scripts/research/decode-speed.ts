/**
 * Times core's loadImages (read, decode, hash and preprocess every file, as a scan's decoding
 * phase does) on a folder, and prints a digest of the pixels and hashes to compare two versions.
 *
 *   PREPARE_ONLY=1 npx tsx bench/large-folder.ts 10000   # writes /tmp/dede-large-10000
 *   npx tsx scripts/research/decode-speed.ts /tmp/dede-large-10000
 */
import { createHash } from 'node:crypto';
import { readFolder } from '../../src/cli/files';
import { loadImages } from '../../src/core/pipeline';
import { FIXTURE_PRE } from './fixture-data';

const dir = process.argv[2] ?? '/tmp/dede-large-10000';
const { files } = await readFolder(dir, '--images');
const times: number[] = [];
let digest = '';
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const loaded = await loadImages(files, FIXTURE_PRE);
  times.push((performance.now() - t0) / 1000);
  const h = createHash('sha256');
  h.update(new Uint8Array(loaded.batch.data.buffer, loaded.batch.data.byteOffset, loaded.batch.data.byteLength));
  h.update(loaded.imageShas.join(',') + loaded.paths.join(','));
  digest = h.digest('hex').slice(0, 16);
}
console.log(`${files.length} files: ${times.map((t) => t.toFixed(2)).join(' / ')} s (3 runs); pixels+hashes digest ${digest}`);
