/**
 * The scan report: one self-contained HTML file an analyst can open offline, print and pass on.
 * Everything is inline (CSS, an SVG histogram, images as PNG data URLs); the file holds no
 * network reference at all, and every text that came from the user's files is escaped.
 * Pure core: `dede scan --report` writes it, the app's export builds the same string.
 */
import { encode } from 'fast-png';
import { histogram } from './histogram';
import type { ScanEvidence, SampleEvidence, TriggerHint } from './evidence';
import type { ScanSummary } from './summary';
import { denormalise } from './image/preprocess';
import { heatRgba } from './image/heat';
import type { RGB } from './options';
import { notVotingReason } from './witnesses';
import { falseAlarmSentence } from './verdict';
import { base64 } from './base64';
import { FAMILY_CLOSER } from './density';

export interface ReportInput {
  summary: ScanSummary;
  /** Image paths, scores and flags, in the same order. */
  paths: string[];
  scores: ArrayLike<number>;
  flagged: boolean[];
  /** Who flagged each image (witness names), when known. */
  flaggedBy?: string[][];
  evidence: ScanEvidence | null;
  /** Normalisation of the images in `evidence` (to turn them back into pixels). */
  norm: { mean: RGB; std: RGB };
  /** What was scanned, in words (e.g. the encoder's file name and the folder). */
  title: string;
  /** ISO time of the scan. */
  createdAt: string;
  /** Tool name and version. */
  tool: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text; also breaks up "http:"/"https:" so no file-derived text reads as a link. */
export function esc(text: unknown): string {
  return String(text)
    .replace(/[&<>"']/g, (c) => ESCAPES[c])
    .replace(/(http)(s?):/gi, '$1$2&#58;');
}

/** An RGBA tile as an <img> with a PNG data URL, drawn `scale` times larger with crisp pixels. */
function img(rgba: Uint8ClampedArray, size: number, alt: string, scale = 3): string {
  const png = encode({ width: size, height: size, data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength), channels: 4, depth: 8 });
  return `<img src="data:image/png;base64,${base64(png)}" width="${size * scale}" height="${size * scale}" alt="${esc(alt)}">`;
}

/** A signed RGB difference shown around mid-grey, stretched so its largest magnitude is full scale. */
function signed(values: Float32Array, size: number): Uint8ClampedArray {
  let m = 1e-9;
  for (const v of values) m = Math.max(m, Math.abs(v));
  const out = new Uint8ClampedArray(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = 128 + (127 * values[p * 3 + c]) / m;
    out[p * 4 + 3] = 255;
  }
  return out;
}

const maxOf = (a: ArrayLike<number>) => {
  let m = 1e-9;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]);
  return m;
};

function histogramSvg(scores: ArrayLike<number>, threshold: number, calibrated: boolean): string {
  const h = histogram(scores, 40, { log: !calibrated });
  if (h.counts.length === 0) return '<p>No finite scores.</p>';
  const W = 640;
  const H = 180;
  const top = Math.max(...h.counts);
  const lo = h.edges[0];
  const hi = h.edges[h.edges.length - 1];
  const x = (v: number) => ((v - lo) / (hi - lo || 1)) * W;
  const bars = h.counts
    .map((c, k) => {
      const bh = top > 0 ? (Math.sqrt(c) / Math.sqrt(top)) * (H - 20) : 0;
      return `<rect x="${x(h.edges[k]).toFixed(1)}" y="${(H - bh).toFixed(1)}" width="${Math.max(1, x(h.edges[k + 1]) - x(h.edges[k]) - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="#5b6b8c"><title>${c} images</title></rect>`;
    })
    .join('');
  const tv = calibrated ? threshold : Math.log10(Math.max(threshold, 1e-12));
  const tx = Math.min(W, Math.max(0, x(tv)));
  const fmt = (v: number) => (calibrated ? v.toFixed(2) : (10 ** v).toPrecision(3));
  return (
    `<svg class="hist" viewBox="0 -14 ${W} ${H + 30}" role="img" aria-label="Score histogram with the threshold">${bars}` +
    `<line x1="${tx}" x2="${tx}" y1="-4" y2="${H}" stroke="#c0392b" stroke-width="2"/>` +
    `<text x="${Math.min(W - 120, tx + 4)}" y="6" fill="#c0392b">threshold ${esc(threshold.toPrecision(4))}</text>` +
    `<text x="0" y="${H + 14}">${esc(fmt(lo))}</text><text x="${W}" y="${H + 14}" text-anchor="end">${esc(fmt(hi))}</text>` +
    `</svg><p class="note">Bar height is the square root of the count${calibrated ? '' : '; scores on a log scale'}.</p>`
  );
}

function sampleRow(s: SampleEvidence, input: ReportInput, size: number, errScale: number): string {
  const px = (v: Float32Array) => denormalise(v, input.norm);
  const i = s.row;
  const cells = [
    `<figure>${img(px(s.input), size, 'input')}<figcaption>input</figcaption></figure>`,
    `<figure>${img(px(s.own), size, 'own rebuild')}<figcaption>own rebuild</figcaption></figure>`,
    s.donor
      ? `<figure>${img(px(s.donor.recon), size, 'best counterfactual rebuild')}<figcaption>from ${esc(input.paths[s.donor.row])}</figcaption></figure>`
      : '',
    `<figure>${img(heatRgba(s.error, size, errScale), size, 'error map')}<figcaption>error</figcaption></figure>`,
  ];
  const near = s.nearest.length
    ? `<div class="near"><span>rebuild looks like:</span>${s.nearest.map((r) => `<figure>${img(px(imageRow(input, r, size)), size, input.paths[r], 2)}<figcaption>${esc(short(input.paths[r]))}</figcaption></figure>`).join('')}</div>`
    : '';
  const by = input.flaggedBy?.[i]?.length ? ` · flagged by ${esc(input.flaggedBy[i].join(', '))}` : '';
  return (
    `<div class="sample${input.flagged[i] ? ' flagged' : ''}"><h4>${esc(input.paths[i])}</h4>` +
    `<p>score ${esc(Number(input.scores[i]).toPrecision(4))}${input.flagged[i] ? ' · <strong>flagged</strong>' : ' · kept'}${by}</p>` +
    `<div class="tiles">${cells.join('')}</div>${near}</div>`
  );
}

/** Rows of images the report needs besides the samples' own (nearest neighbours) travel in `evidence.images`. */
function imageRow(input: ReportInput, row: number, size: number): Float32Array {
  const len = size * size * 3;
  const pool = input.evidence?.images;
  const at = pool?.rows.indexOf(row) ?? -1;
  if (!pool || at < 0) return new Float32Array(len);
  return pool.data.subarray(at * len, (at + 1) * len);
}

const short = (p: string) => (p.length > 24 ? `…${p.slice(-23)}` : p);

function hintSection(h: TriggerHint): string {
  const scale = Math.max(maxOf(h.flaggedError), maxOf(h.keptError));
  const contrast = Float32Array.from(h.errorContrast, (v) => Math.max(0, v));
  return (
    `<section><h2>Trigger hint</h2><p>Means over ${h.flaggedCount} flagged and ${h.keptCount} kept images (${h.size} px, as the decoder rebuilds them). ` +
    `A trigger the decoder does not rebuild (the embedding says "target class", the pixels say "patch") shows as a bright region in the flagged error map and in the difference; ` +
    `the brightest 4x4 window of the difference is at x ${h.hotspot.x}-${h.hotspot.x + h.hotspot.size - 1}, y ${h.hotspot.y}-${h.hotspot.y + h.hotspot.size - 1}.</p>` +
    `<div class="tiles">` +
    `<figure>${img(heatRgba(h.flaggedError, h.size, scale), h.size, 'mean error, flagged', 5)}<figcaption>mean error, flagged</figcaption></figure>` +
    `<figure>${img(heatRgba(h.keptError, h.size, scale), h.size, 'mean error, kept', 5)}<figcaption>mean error, kept</figcaption></figure>` +
    `<figure>${img(heatRgba(contrast, h.size, maxOf(contrast)), h.size, 'flagged minus kept error', 5)}<figcaption>flagged − kept error</figcaption></figure>` +
    `<figure>${img(signed(h.meanDiff, h.size), h.size, 'mean flagged image minus mean kept image', 5)}<figcaption>mean flagged − mean kept image</figcaption></figure>` +
    `</div></section>`
  );
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;color:#1d2330;margin:2rem auto;max-width:1000px;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:1px solid #d5dae3;padding-bottom:.2rem;margin-top:2rem}
h4{margin:.2rem 0;font-size:.9rem;word-break:break-all}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d5dae3;padding:.25rem .5rem;text-align:left;vertical-align:top}td{word-break:break-word;overflow-wrap:anywhere}
th{background:#f1f3f7}.mono{font-family:ui-monospace,monospace;word-break:break-all}
.tiles{display:flex;gap:.6rem;flex-wrap:wrap}figure{margin:0;text-align:center}figcaption{font-size:.75rem;color:#5a6475;max-width:140px;word-break:break-all}
img{image-rendering:pixelated;border:1px solid #ccd2dc}
.sample{border:1px solid #d5dae3;border-radius:6px;padding:.5rem .7rem;margin:.6rem 0;break-inside:avoid}.sample.flagged{border-color:#c0392b}
.near{display:flex;gap:.4rem;align-items:center;margin-top:.3rem;font-size:.8rem;color:#5a6475}
.verdict{font-size:1.1rem;padding:.6rem .8rem;border-radius:6px;background:#f1f3f7}
.note{color:#5a6475;font-size:.85rem}svg.hist{width:100%;max-width:660px;font-size:11px}
ol.flagged{columns:3;font-size:.8rem;word-break:break-all}
@media print{body{margin:0}.sample{page-break-inside:avoid}}
`;

/** The report as one HTML string. */
export function renderReport(input: ReportInput): string {
  const s = input.summary;
  const ev = input.evidence;
  const size = ev?.samples[0]?.input.length ? Math.round(Math.sqrt(ev.samples[0].input.length / 3)) : 0;
  const errScale = ev ? Math.max(1e-9, ...ev.samples.map((x) => maxOf(x.error))) : 1;
  const calibrated = s.verdict.score.startsWith('max calibrated');
  const flaggedRows = input.paths.map((_, i) => i).filter((i) => input.flagged[i]).sort((a, b) => Number(input.scores[b]) - Number(input.scores[a]));
  const enc = s.settings.encoder;
  const kv = (rows: [string, unknown][]) => `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
  const timings = Object.entries(s.timings).map(([k, v]) => `${esc(k)} ${esc(v)} s`).join(', ');
  const witnesses = s.verdict.witnesses
    .map(
      (w) =>
        `<tr><td>${esc(w.label)}</td><td>${w.votes !== false ? w.flagged : esc(notVotingReason(w) ?? '')}</td><td>${esc(w.fit.median)} / ${esc(w.fit.sigma)}</td><td>${w.auroc === null ? '-' : esc(w.auroc)}</td><td>${w.tprAt5Fpr === null ? '-' : esc(w.tprAt5Fpr)}</td></tr>`,
    )
    .join('');
  const m = s.metrics;
  const parts: string[] = [];
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DeDe scan report: ${esc(input.title)}</title>` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
      `<style>${CSS}</style></head><body>`,
  );
  parts.push(
    `<h1>DeDe scan report</h1><p class="note">${esc(input.title)} · ${esc(input.createdAt)} · ${esc(input.tool)}</p>` +
      `<p class="verdict"><strong>${s.counts.flagged}</strong> of ${s.counts.images} images flagged (${esc(s.rule)}, threshold ${esc(Number(s.threshold).toPrecision(4))})` +
      (s.verdict.expectedFalseAlarms !== null ? `; ${esc(falseAlarmSentence(s.verdict.expectedFalseAlarms))}` : '') +
      `.</p>` +
      (s.verdict.backdoorEvidence ? `<p class="verdict" data-evidence="${esc(s.verdict.backdoorEvidence.level)}">${esc(s.verdict.backdoorEvidence.sentence)}</p>` : '') +
      `<p class="note">A flagged image is one whose rebuild from its own embedding is unusually poor next to its rebuilds from other images' embeddings, or whose embedding sits unusually close to others'. A low score is not proof that an image is clean.</p>`,
  );
  parts.push(
    `<section><h2>Encoder and settings</h2>` +
      kv([
        ['Encoder', `${esc(enc.format)}, input ${esc(enc.input)} [${esc(enc.inputShape.join(', '))}], output ${esc(enc.output)} (${esc(enc.embDim)} values)`],
        ['SHA-256', `<span class="mono">${esc(enc.sha256)}</span>`],
        ['Preprocessing', esc(JSON.stringify(s.settings.preprocess))],
        ['Decoder', esc(JSON.stringify(s.settings.decoder))],
        ['Training', esc(JSON.stringify(s.settings.train))],
        ['Scoring', esc(JSON.stringify(s.settings.score))],
        ['Backend', esc(s.backend)],
        ['Timings', timings],
      ]) +
      `</section>`,
  );
  parts.push(`<section><h2>Scores</h2>${histogramSvg(input.scores, Number(s.threshold), calibrated)}</section>`);
  parts.push(
    `<section><h2>Witnesses</h2><table><tr><th>witness</th><th>flagged</th><th>bulk fit median / sigma</th><th>AUROC (labels)</th><th>TPR at 5% FPR</th></tr>${witnesses}</table>` +
      (s.power ? `<p>Decoder power (AUROC of rebuilds from swapped vs own embeddings): <strong>${esc(s.power.auroc.toFixed(3))}</strong>${s.power.warning ? ` — ${esc(s.power.warning)}` : ''}</p>` : '') +
      (m ? `<p>With labels: AUROC ${esc(m.auroc === null ? '-' : m.auroc.toFixed(4))}, AUPRC ${esc(m.auprc === null ? '-' : m.auprc.toFixed(4))}, at the threshold TP ${esc(m.confusion.tp)} FP ${esc(m.confusion.fp)} FN ${esc(m.confusion.fn)} TN ${esc(m.confusion.tn)}.</p>` : '') +
      `</section>`,
  );
  if (ev?.hint) parts.push(hintSection(ev.hint));
  if (s.verdict.families.length > 0) {
    parts.push(
      `<section><h2>Families of near-identical embeddings among the flagged</h2>` +
        `<p>Linked at cosine >= ${esc(s.verdict.familyCos === null ? '-' : s.verdict.familyCos.toFixed(4))}: ${FAMILY_CLOSER} times closer than this folder's median nearest-neighbour distance. A backdoor that sends its triggered images to one target embedding makes one large family; one that spreads them (DRUPE-style) does not.</p><ul>${s.verdict.families
        .map((f) => `<li>${f.size} images: ${f.files.slice(0, 8).map(esc).join(', ')}${f.size > 8 ? ', …' : ''}</li>`)
        .join('')}</ul></section>`,
    );
  }
  if (ev && size > 0) {
    const high = ev.samples.slice(0, ev.samples.length - ev.lowCount);
    const low = ev.samples.slice(ev.samples.length - ev.lowCount);
    parts.push(`<section><h2>Highest-scored images</h2>${high.map((x) => sampleRow(x, input, size, errScale)).join('')}</section>`);
    if (low.length) parts.push(`<section><h2>Lowest-scored images, for contrast</h2>${low.map((x) => sampleRow(x, input, size, errScale)).join('')}</section>`);
  }
  parts.push(
    `<section><h2>Flagged images (${flaggedRows.length})</h2>` +
      (flaggedRows.length ? `<ol class="flagged">${flaggedRows.map((i) => `<li>${esc(input.paths[i])} <span class="note">${esc(Number(input.scores[i]).toPrecision(4))}</span></li>`).join('')}</ol>` : '<p>None.</p>') +
      `</section>`,
  );
  if (s.skipped.length) parts.push(`<section><h2>Skipped files (${s.skipped.length})</h2><ul>${s.skipped.slice(0, 200).map((k) => `<li>${esc(k.path)}: ${esc(k.reason)}</li>`).join('')}</ul></section>`);
  parts.push(`</body></html>`);
  return parts.join('\n');
}
