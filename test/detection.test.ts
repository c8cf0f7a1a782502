/**
 * Detection with its controls, at the CLI's default settings, on real encoders exported from
 * PyTorch (scripts/fixtures/): each backdoored fixture beside the same scan with the clean
 * encoder the backdoor was injected into, and the clean encoder on a clean folder. A figure a
 * shortcut also reaches proves nothing, so every backdoor assertion has its control here:
 *   - the verdict must stay quiet without a backdoor (<= 5% flagged with the clean encoder,
 *     on clean images and on the very images that carry a trigger);
 *   - DeDe's own witness is asserted where it carries the detection (the blended trigger,
 *     which no pixel statistic finds), not only the combined verdict;
 *   - on the DRUPE-style backdoor (spread target embeddings) the density witness must fail
 *     (AUROC < 0.75), so what finds it is not the BadEncoder shortcut; the look-alike witness
 *     speaks there. Its pair runs at the defaults like every other scan (the SIMD batched-matMul
 *     kernel made the default pair affordable in CI: about 3 more minutes);
 *   - the CTRL-style pair (a frequency trigger implanted DRUPE-style, scripts/fixtures/
 *     make_ctrl_fixture.py) was made after every default was chosen and no setting was tuned
 *     on it: it guards against defaults that only fit the fixtures they were picked on;
 *   - so was the emoji pair (scripts/fixtures/make_emoji_fixture.py): colour images of another
 *     domain, with natural near-duplicates (skin-tone variants), a DRUPE-style backdoor in an
 *     encoder trained on them, and that encoder as its control;
 *   - the folder-level call (verdict.ts folderEvidence) says "excess" on every backdoored
 *     folder and never on a folder without a backdoor;
 *   - a colour BadEncoder with a blended trigger at 5% poisoned (scripts/fixtures/
 *     make_emoji_fixture.py --attack badencoder, the emoji folder's images, like the first
 *     held-back case): its triggered embeddings collapse, so the neighbour witness ranks them
 *     and votes, joined by the look-alike witness (verdict 0.993 measured) (this
 *     scan replaced stop 20's DRUPE-style folder at 5%, whose figures stay in the README, to keep
 *     CI at 14 scans, two at a time);
 *   - the DRUPE-style pair again with an auxiliary clean folder (`--aux fixtures/aux-images`,
 *     stop 22: one decoder trained on those 500 clean images alone, the default with --aux):
 *     DeDe's decoder must mature (held-out power >= 0.85, so it votes), its witness rank far
 *     better than without (0.941 against 0.719 measured) and join the verdict, and the control
 *     must stay quiet.
 * The scans run two at a time, each training its folds in one thread (tfjs-wasm uses one core),
 * to keep CI short.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runDede, tempDir } from './helpers/cli';
import { parseScoresCsv } from '../src/core/csv';
import { MATURE_POWER } from '../src/core/options';

const FIX = path.join(ROOT, 'fixtures');
const PATCH = path.join(FIX, 'patch');
/** The app's bundled demo is the DRUPE-style fixture (scripts/fixtures/make_drupe_fixture.py). */
const DRUPE = path.join(ROOT, 'public', 'demo');
const CLEAN_ENCODER = path.join(FIX, 'clean-encoder.onnx');
const EMOJI = path.join(FIX, 'emoji');

/**
 * A folder with every clean image of `dir` and only `k` of its triggered ones (symlinks, which
 * dede scan follows), chosen as scripts/research/poison-rate.py chooses them: the first k in the
 * order of sha-256("0:" + file).
 */
function fewerPoisoned(dir: string, k: number): { images: string; labels: string } {
  const rows = readFileSync(path.join(dir, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const key = (f: string) => createHash('sha256').update(`0:${f}`).digest('hex');
  const poisoned = rows.filter((r) => r[1] === '1').map((r) => r[0]).sort((a, b) => (key(a) < key(b) ? -1 : 1)).slice(0, k);
  const keep = [...rows.filter((r) => r[1] === '0').map((r) => r[0]), ...poisoned];
  const out = tempDir('dede-rate-');
  mkdirSync(path.join(out, 'images'));
  for (const f of keep) symlinkSync(path.join(dir, 'images', f), path.join(out, 'images', f));
  const labels = path.join(out, 'labels.csv');
  writeFileSync(labels, ['file,poisoned', ...keep.map((f) => `${f},${poisoned.includes(f) ? 1 : 0}`)].join('\n') + '\n');
  return { images: path.join(out, 'images'), labels };
}

interface Case {
  name: string;
  encoder: string;
  images: string;
  labels: string | null;
  /** Also write --report (the HTML report) and keep it. */
  report?: boolean;
  /** Extra CLI arguments (defaults otherwise). */
  extra?: string[];
}

const AUX = path.join(FIX, 'aux-images');

const CASES: Case[] = [
  { name: 'drupe-aux', encoder: path.join(DRUPE, 'encoder.onnx'), images: path.join(DRUPE, 'images'), labels: path.join(DRUPE, 'labels.csv'), extra: ['--aux', AUX] },
  { name: 'drupe-aux-control', encoder: CLEAN_ENCODER, images: path.join(DRUPE, 'images'), labels: path.join(DRUPE, 'labels.csv'), extra: ['--aux', AUX] },
  { name: 'patch', encoder: path.join(PATCH, 'encoder.onnx'), images: path.join(PATCH, 'images'), labels: path.join(PATCH, 'labels.csv'), report: true },
  { name: 'patch-control', encoder: CLEAN_ENCODER, images: path.join(PATCH, 'images'), labels: path.join(PATCH, 'labels.csv') },
  { name: 'blended', encoder: path.join(FIX, 'blended', 'encoder.onnx'), images: path.join(FIX, 'blended', 'images'), labels: path.join(FIX, 'blended', 'labels.csv') },
  { name: 'blended-control', encoder: CLEAN_ENCODER, images: path.join(FIX, 'blended', 'images'), labels: path.join(FIX, 'blended', 'labels.csv') },
  { name: 'clean-folder', encoder: CLEAN_ENCODER, images: path.join(FIX, 'clean-images'), labels: null },
  { name: 'drupe', encoder: path.join(DRUPE, 'encoder.onnx'), images: path.join(DRUPE, 'images'), labels: path.join(DRUPE, 'labels.csv') },
  { name: 'drupe-control', encoder: CLEAN_ENCODER, images: path.join(DRUPE, 'images'), labels: path.join(DRUPE, 'labels.csv') },
  { name: 'ctrl', encoder: path.join(FIX, 'ctrl', 'encoder.onnx'), images: path.join(FIX, 'ctrl', 'images'), labels: path.join(FIX, 'ctrl', 'labels.csv') },
  { name: 'ctrl-control', encoder: CLEAN_ENCODER, images: path.join(FIX, 'ctrl', 'images'), labels: path.join(FIX, 'ctrl', 'labels.csv') },
  { name: 'emoji', encoder: path.join(EMOJI, 'encoder.onnx'), images: path.join(EMOJI, 'images'), labels: path.join(EMOJI, 'labels.csv') },
  { name: 'emoji-control', encoder: path.join(EMOJI, 'clean-encoder.onnx'), images: path.join(EMOJI, 'images'), labels: path.join(EMOJI, 'labels.csv') },
];
const BACKDOORED = ['patch', 'blended', 'drupe', 'drupe-aux', 'ctrl', 'emoji', 'emoji-badencoder-5pct'];
const CONTROLS = ['clean-folder', 'patch-control', 'blended-control', 'drupe-control', 'drupe-aux-control', 'ctrl-control', 'emoji-control'];

// A colour BadEncoder with a blended trigger at 5% poisoned, like the first held-back case: the
// emoji folder's images, the backdoor injected into the same clean encoder (emoji-control).
if (existsSync(path.join(EMOJI, 'labels.csv'))) CASES.splice(2, 0, { name: 'emoji-badencoder-5pct', encoder: path.join(FIX, 'emoji-badencoder', 'encoder.onnx'), ...fewerPoisoned(EMOJI, 50) });
const haveAll = CASES.every((c) => existsSync(c.encoder) && existsSync(c.images));
const REAL_SCAN_MS = 40 * 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Summary = any;
const summaries = new Map<string, Summary>();

async function scan(c: Case): Promise<void> {
  // DEDE_DETECTION_OUT keeps each scan's scores.csv and summary.json (for the README's figures).
  const keep = process.env.DEDE_DETECTION_OUT;
  const out = keep ? path.join(keep, c.name) : tempDir();
  if (keep) mkdirSync(out, { recursive: true });
  const json = path.join(out, 'summary.json');
  const args = ['scan', '--encoder', c.encoder, '--images', c.images, '--norm', 'cifar10', '--out', path.join(out, 'scores.csv'), '--json', json, '--no-cache', '--budget', '0', '--train-threads', '1'];
  if (c.labels) args.push('--labels', c.labels);
  if (c.report) args.push('--report', path.join(out, 'report.html'));
  if (c.extra) args.push(...c.extra);
  const run = await runDede(args, { timeoutMs: REAL_SCAN_MS });
  if (run.code !== 0) throw new Error(`${c.name} scan failed:\n${run.stderr}`);
  const s = JSON.parse(readFileSync(json, 'utf8'));
  const w = Object.fromEntries(s.verdict.witnesses.map((x: { name: string; auroc: number | null; flagged: number }) => [x.name, x]));
  console.log(
    `${c.name}: ${s.counts.flagged}/${s.counts.images} flagged (${s.rule}, expected false alarms ${s.verdict.expectedFalseAlarms}); ` +
      `AUROC combined ${s.metrics?.auroc ?? '-'}, dede ${w.dede?.auroc ?? '-'}, density ${w.density?.auroc ?? '-'}, lookalike ${w.lookalike?.auroc ?? '-'}, raw DeDe ${s.verdict.rawAuroc ?? '-'}; ` +
      `flagged by dede ${w.dede?.flagged}, density ${w.density?.flagged}, lookalike ${w.lookalike?.flagged}; speaking ${s.verdict.witnesses.filter((x: { votes: boolean }) => x.votes).map((x: { name: string }) => x.name)}; collapse ${s.rebuildCollapse}; ${run.seconds.toFixed(0)} s`,
  );
  summaries.set(c.name, s);
  outDirs.set(c.name, out);
  if (c.report) reports.set(c.name, readFileSync(path.join(out, 'report.html'), 'utf8'));
}

const reports = new Map<string, string>();
const outDirs = new Map<string, string>();

const witness = (s: Summary, name: string) => s.verdict.witnesses.find((w: { name: string }) => w.name === name);
const flaggedShare = (s: Summary) => s.counts.flagged / s.counts.images;

describe.runIf(haveAll)('detection with its controls (dede scan defaults)', () => {
  beforeAll(async () => {
    const queue = [...CASES];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await scan(c);
    };
    await Promise.all([worker(), worker()]);
  }, REAL_SCAN_MS);

  it('stays quiet without a backdoor: <= 5% flagged by the clean encoder on clean images and on triggered ones', () => {
    for (const name of CONTROLS) {
      const s = summaries.get(name);
      expect(flaggedShare(s), name).toBeLessThanOrEqual(0.05);
      expect(s.rule).toBe('tail:0.005');
    }
  });

  it('stops training once the held-out decoder power reaches 0.85 (the planned epochs at the latest), and DeDe votes only from there', () => {
    for (const c of CASES) {
      const s = summaries.get(c.name);
      const t = s.settings.train;
      if (t.trainedOn === 'aux') {
        // One decoder on the auxiliary folder: no held-out folds, so no rule; all planned epochs.
        expect(t.powerByEpoch, c.name).toBeNull();
        expect(t.epochsTrained, c.name).toBe(t.epochs);
        continue;
      }
      const history: { epoch: number; power: number }[] = t.powerByEpoch;
      // The rule checked every epoch, the last check is the decoders the scan scored with.
      expect(history.map((h) => h.epoch), c.name).toEqual(Array.from({ length: t.epochsTrained }, (_, i) => i + 1));
      expect(history.at(-1)!.power, c.name).toBeCloseTo(s.power.auroc, 10);
      const reached = s.power.auroc >= MATURE_POWER;
      // Stopped at the first epoch that reached it, or at the planned epochs short of it.
      if (reached) expect(history.slice(0, -1).every((h) => h.epoch < 2 || h.power < MATURE_POWER), c.name).toBe(true);
      else expect(t.epochsTrained, c.name).toBe(t.epochs);
      expect(t.epochsTrained, c.name).toBeLessThanOrEqual(t.epochs);
      if (reached) expect(witness(s, 'dede').lowPower, c.name).toBeNull();
      else expect(witness(s, 'dede').lowPower, c.name).toBeCloseTo(s.power.auroc, 3);
    }
  });

  it('calls backdoor evidence on every backdoored folder and never on a folder without a backdoor', () => {
    for (const name of BACKDOORED) expect(summaries.get(name).verdict.backdoorEvidence.level, name).toBe('excess');
    for (const name of CONTROLS) expect(summaries.get(name).verdict.backdoorEvidence.level, name).not.toBe('excess');
  });

  it('finds the patch backdoor (AUROC >= 0.95) and its rebuilds collapse, unlike the clean encoder control', () => {
    const s = summaries.get('patch');
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.95);
    expect(s.rebuildCollapse).toBeLessThan(0.3);
    expect(summaries.get('patch-control').rebuildCollapse).toBeGreaterThan(0.5);
    // The control's verdict is not fooled by the pixel outlier the raw score ranks first.
    expect(summaries.get('patch-control').metrics.auroc).toBeLessThan(0.8);
    // One target embedding: the triggered images form one family of near-identical embeddings (97 of 100 measured).
    expect(s.verdict.families[0].size).toBeGreaterThanOrEqual(80);
  });

  it('writes a self-contained report whose trigger hint points at the patch (rows and columns 21-30)', () => {
    const s = summaries.get('patch');
    const html = reports.get('patch')!;
    // No network reference at all: it opens offline and leaks nothing when opened.
    expect(html).not.toMatch(/https?:/i);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<strong>${s.counts.flagged}</strong> of ${s.counts.images} images flagged`);
    // Every flagged file is listed (scores.csv agrees with the report).
    const flagged = parseScoresCsv(readFileSync(path.join(outDirs.get('patch')!, 'scores.csv'), 'utf8')).filter((r) => r.flagged).map((r) => r.file);
    expect(flagged.length).toBe(s.counts.flagged);
    for (const f of flagged) expect(html).toContain(`<li>${f} `);
    expect((html.match(/data:image\/png;base64,/g) ?? []).length).toBeGreaterThan(40);
    // The mean rebuild error of the flagged set is brightest inside the 10x10 trigger.
    const inBox = (p: { x: number; y: number }) => p.x >= 21 && p.x <= 30 && p.y >= 21 && p.y <= 30;
    expect(s.triggerHint.size).toBe(32);
    expect(inBox(s.triggerHint.brightestFlaggedError), JSON.stringify(s.triggerHint)).toBe(true);
    expect(inBox(s.triggerHint.hotspot), JSON.stringify(s.triggerHint)).toBe(true);
    expect(html).toContain('Trigger hint');
  });

  it('finds the blended backdoor (AUROC >= 0.95), and DeDe alone ranks it far above chance where the raw score fails', () => {
    const s = summaries.get('blended');
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.95);
    expect(witness(s, 'dede').auroc).toBeGreaterThanOrEqual(0.78);
    expect(summaries.get('blended-control').metrics.auroc).toBeLessThan(0.8);
    expect(witness(summaries.get('blended-control'), 'dede').auroc).toBeLessThan(0.7);
  });

  it('finds the DRUPE-style backdoor through the look-alike witness where the density shortcut fails', () => {
    const s = summaries.get('drupe');
    expect(witness(s, 'density').auroc).toBeLessThan(0.75);
    expect(witness(s, 'lookalike').votes).toBe(true);
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.95);
    // With the clean encoder the same images raise no alarm and rank near chance.
    expect(summaries.get('drupe-control').metrics.auroc).toBeLessThan(0.7);
    // DeDe's own witness has a signal there too (0.72-0.81 over two seeds), above its control's (0.58).
    const dede = witness(s, 'dede').auroc;
    expect(dede).toBeGreaterThanOrEqual(0.65);
    expect(dede).toBeGreaterThan(witness(summaries.get('drupe-control'), 'dede').auroc + 0.05);
    // Spread targets are not near-identical: no large family is reported (a fixed cosine 0.95 made one of 65).
    expect(Math.max(0, ...s.verdict.families.map((f: { size: number }) => f.size))).toBeLessThanOrEqual(5);
  });

  it('finds a colour BadEncoder blended trigger at 5% poisoned (>= 0.95), with the neighbour witness voting', () => {
    // Measured (seed 0, stop 23): verdict 0.993 (look-alike 0.982 with 7.8% above z(1%), joined by
    // neighbours 0.977 with 7.7%), 82 flagged (48 / 34); DeDe 0.785, not voting (power 0.725). The
    // clean-encoder control of these images is emoji-control (3.5% flagged at 10% poisoned).
    const s = summaries.get('emoji-badencoder-5pct');
    expect(s.counts.images).toBe(950);
    expect(s.metrics.poisoned).toBe(50);
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.95);
    expect(witness(s, 'density').auroc).toBeGreaterThanOrEqual(0.9);
    expect(witness(s, 'density').votes).toBe(true);
    expect(s.metrics.confusion.tp).toBeGreaterThanOrEqual(40);
    // The triggered embeddings collapse onto the target: the rebuilds share it.
    expect(s.rebuildCollapse).toBeLessThan(0.5);
  });

  it("with an auxiliary clean folder DeDe's own witness ranks DRUPE-style at >= 0.9 and joins the verdict; its control stays quiet", () => {
    // Measured (seed 0): one decoder, 24 epochs on the 500 clean images, power 0.871; DeDe 0.941 (7.9% above
    // z(1%)) against 0.719 without the folder (power 0.837, not voting); with look-alike (0.972) under 'join'
    // the verdict is 0.982. Control: DeDe 0.524 (0.5% above z(1%)), 1.0% flagged.
    const s = summaries.get('drupe-aux');
    const plain = summaries.get('drupe');
    const control = summaries.get('drupe-aux-control');
    expect(s.settings.train.trainedOn).toBe('aux');
    expect(s.settings.decoder.decoders).toBe(1);
    expect(s.counts.trainImages).toBe(500);
    expect(s.power.auroc).toBeGreaterThanOrEqual(MATURE_POWER);
    expect(witness(s, 'dede').lowPower).toBeNull();
    expect(witness(s, 'dede').votes).toBe(true);
    expect(witness(s, 'lookalike').votes).toBe(true);
    expect(witness(s, 'dede').auroc).toBeGreaterThanOrEqual(0.9);
    expect(witness(s, 'dede').auroc).toBeGreaterThan(witness(plain, 'dede').auroc + 0.1);
    expect(witness(s, 'dede').auroc).toBeGreaterThan(witness(control, 'dede').auroc + 0.3);
    // The two witnesses together rank better than the look-alike one alone did.
    expect(s.metrics.auroc).toBeGreaterThan(plain.metrics.auroc);
    expect(witness(control, 'dede').tailShare).toBeLessThan(0.02);
    expect(control.metrics.auroc).toBeLessThan(0.7);
  });

  it('finds the CTRL-style backdoor no default was tuned on, with DeDe far above its control', () => {
    // Measured (seed 0): verdict 0.943 (look-alike), DeDe 0.832 at 12 epochs, power 0.826, so not voting
    // (control 0.575), neighbours 0.316. With --aux fixtures/aux-images (README): DeDe 0.956, verdict 0.970.
    // The bar is below the 0.95 on purpose: this fixture measures, it was not met by tuning.
    const s = summaries.get('ctrl');
    const control = summaries.get('ctrl-control');
    expect(witness(s, 'density').auroc).toBeLessThan(0.75);
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.9);
    expect(control.metrics.auroc).toBeLessThan(0.7);
    const dede = witness(s, 'dede').auroc;
    expect(dede).toBeGreaterThanOrEqual(0.75);
    expect(dede).toBeGreaterThan(witness(control, 'dede').auroc + 0.1);
  });

  it('finds the DRUPE-style backdoor in colour emoji, a domain no default was tuned on', () => {
    // Measured (seed 0): verdict 0.969 (look-alike), neighbours 0.578, DeDe 0.682 (12 epochs, power 0.768: not
    // voting); control 0.502 with 3.5% flagged.
    const s = summaries.get('emoji');
    const control = summaries.get('emoji-control');
    expect(witness(s, 'density').auroc).toBeLessThan(0.75);
    expect(witness(s, 'lookalike').votes).toBe(true);
    expect(s.metrics.auroc).toBeGreaterThanOrEqual(0.9);
    expect(control.metrics.auroc).toBeLessThan(0.7);
  });
});
