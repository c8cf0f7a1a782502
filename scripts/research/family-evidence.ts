/**
 * Research (issue 7): is the largest family of near-identical embeddings in the WHOLE folder
 * evidence of a shared backdoor target, where the neighbour witness's tail share is not? At 5%
 * poisoned the neighbour witness ranks a BadEncoder blended trigger at 0.995 but its tail (3.3%
 * above z(1%)) is under its clean maximum (4.3%, the emoji folder's skin-tone near-duplicates),
 * so it cannot speak. This prints, per folder, familyCosFor, the largest families over all rows
 * (size and poisoned count) and the neighbour witness's share above z(1%).
 *
 *   npx tsx scripts/research/family-evidence.ts <name>=<encoder>,<images>,<labels.csv|none> ...
 */
import { closeness, robustZ, tailZ } from '../../src/core/calibrate';
import { DEFAULT_DENSITY, embeddingFamilies, familyCosFor, neighbourSimilarity } from '../../src/core/density';
import { fixtureData } from './fixture-data';

for (const arg of process.argv.slice(2)) {
  const [name, spec] = arg.split('=');
  const [enc, root, labelsPath] = spec.split(',');
  const fx = await fixtureData(root, labelsPath ?? 'none', enc);
  const emb = fx.emb!;
  const cos = familyCosFor(emb);
  const all = [...Array(emb.count).keys()];
  const fams = embeddingFamilies(emb, all, cos);
  const poisoned = fx.labels.reduce((a, b) => a + b, 0);
  const top = fams.slice(0, 4).map((f) => `${f.length}(${f.filter((i) => fx.labels[i] === 1).length}p)`);
  const { z } = robustZ(Float64Array.from(await neighbourSimilarity(emb, DEFAULT_DENSITY, 0), closeness));
  const tail = z.filter((v) => v > tailZ(0.01)).length / z.length;
  console.log(`${name.padEnd(22)} n ${emb.count} poisoned ${poisoned} familyCos ${cos.toFixed(4)} families ${fams.length}, largest ${top.join(' ')}; in families ${fams.reduce((a, f) => a + f.length, 0)}; neighbours tail ${(100 * tail).toFixed(1)}%`);
}
