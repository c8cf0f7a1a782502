/**
 * One `dede scan` configuration on every bundled backdoor and its controls (the clean encoder
 * on the same images, and on a clean folder), two scans at a time with one training thread each,
 * as test/detection.test.ts runs them. Prints a table and appends JSON lines to
 * scripts/research/data/config-sweep/<tag>.jsonl. Research, not a test.
 *
 *   npx tsx scripts/research/config-sweep.ts <tag> [-- extra dede scan arguments]
 *   npx tsx scripts/research/config-sweep.ts epochs24 -- --epochs 24
 *
 * DEDE_SWEEP_CASES=patch,drupe,... picks cases.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [tag, ...rest] = process.argv.slice(2);
if (!tag) throw new Error('usage: config-sweep.ts <tag> [-- extra dede scan arguments]');
const extra = rest[0] === '--' ? rest.slice(1) : rest;
const FIX = 'fixtures';
const DEMO = 'public/demo';
const CLEAN = `${FIX}/clean-encoder.onnx`;
const folder = (dir: string) => ({ images: `${dir}/images`, labels: `${dir}/labels.csv` });
const CASES: Record<string, { encoder: string; images: string; labels: string | null }> = {
  patch: { encoder: `${FIX}/patch/encoder.onnx`, ...folder(`${FIX}/patch`) },
  'patch-control': { encoder: CLEAN, ...folder(`${FIX}/patch`) },
  blended: { encoder: `${FIX}/blended/encoder.onnx`, ...folder(`${FIX}/blended`) },
  'blended-control': { encoder: CLEAN, ...folder(`${FIX}/blended`) },
  drupe: { encoder: `${DEMO}/encoder.onnx`, ...folder(DEMO) },
  'drupe-control': { encoder: CLEAN, ...folder(DEMO) },
  ctrl: { encoder: `${FIX}/ctrl/encoder.onnx`, ...folder(`${FIX}/ctrl`) },
  'ctrl-control': { encoder: CLEAN, ...folder(`${FIX}/ctrl`) },
  emoji: { encoder: `${FIX}/emoji/encoder.onnx`, ...folder(`${FIX}/emoji`) },
  'emoji-control': { encoder: `${FIX}/emoji/clean-encoder.onnx`, ...folder(`${FIX}/emoji`) },
  'clean-folder': { encoder: CLEAN, images: `${FIX}/clean-images`, labels: null },
};
const names = process.env.DEDE_SWEEP_CASES?.split(',') ?? Object.keys(CASES);
const outDir = 'scripts/research/data/config-sweep';
mkdirSync(outDir, { recursive: true });

interface Row {
  tag: string;
  case: string;
  verdict: number | null;
  dede: number | null;
  raw: number | null;
  power: number;
  epochs: number;
  flaggedShare: number;
  speaking: string[];
  trainSeconds: number;
}

function scan(name: string): Promise<Row> {
  const c = CASES[name];
  const out = path.join(tmpdir(), `dede-sweep-${tag}-${name}`);
  mkdirSync(out, { recursive: true });
  const json = path.join(out, 'summary.json');
  const args = ['dede', 'scan', '--encoder', c.encoder, '--images', c.images, '--norm', 'cifar10', '--out', path.join(out, 'scores.csv'), '--json', json, '--no-cache', '--budget', '0', '--train-threads', '1', '--quiet'];
  if (c.labels) args.push('--labels', c.labels);
  args.push(...extra);
  return new Promise((resolve, reject) => {
    const p = spawn('npx', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name}: exit ${code}\n${err}`));
      const s = JSON.parse(readFileSync(json, 'utf8'));
      const dede = s.verdict.witnesses.find((w: { name: string }) => w.name === 'dede');
      resolve({
        tag,
        case: name,
        verdict: s.metrics?.auroc ?? null,
        dede: dede?.auroc ?? null,
        raw: s.verdict.rawAuroc ?? null,
        power: s.power.auroc,
        epochs: s.settings?.train?.epochsTrained ?? null,
        flaggedShare: s.counts.flagged / s.counts.images,
        speaking: s.verdict.witnesses.filter((w: { votes: boolean }) => w.votes).map((w: { name: string }) => w.name),
        trainSeconds: s.timings.training,
      });
    });
  });
}

const rows: Row[] = [];
const queue = [...names];
await Promise.all(
  [0, 1].map(async () => {
    for (let n = queue.shift(); n; n = queue.shift()) {
      const r = await scan(n);
      appendFileSync(path.join(outDir, `${tag}.jsonl`), JSON.stringify({ ...r, extra }) + '\n');
      rows.push(r);
      console.error(`${tag} ${n}: verdict ${r.verdict} dede ${r.dede} power ${r.power} flagged ${(100 * r.flaggedShare).toFixed(1)}% ${r.speaking} (${r.trainSeconds} s training)`);
    }
  }),
);
const f = (x: number | null) => (x === null ? '-' : x.toFixed(3));
console.log(`| case (${tag}: ${extra.join(' ') || 'defaults'}) | verdict AUROC | DeDe witness | raw DeDe | power | epochs | flagged | speaking | training s |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const n of names) {
  const r = rows.find((x) => x.case === n)!;
  console.log(`| ${n} | ${f(r.verdict)} | ${f(r.dede)} | ${f(r.raw)} | ${f(r.power)} | ${r.epochs ?? '-'} | ${(100 * r.flaggedShare).toFixed(1)}% | ${r.speaking.join('+') || '-'} | ${r.trainSeconds.toFixed(0)} |`);
}
