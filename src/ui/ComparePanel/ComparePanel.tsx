/**
 * Compare runs (issue 9): the current run beside a baseline, either a run kept with "Keep this
 * run as the baseline" (then change the encoder, preset or threshold and run again) or a loaded
 * scores.csv (the app's Export CSV or `dede scan --out`). Shows the overlap of the flagged sets,
 * a score scatter and the files only one run flags (core/compare.ts does the counting).
 */
import { useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { compareRuns, type RunComparison, type RunRows } from '../../core/compare';
import { parseScoresCsv } from '../../core/csv';
import { messageOf } from '../../state/messages';
import { useStudio } from '../../state/store';
import type { Verdicts } from '../../state/verdicts';
import { download } from '../ExportPanel/download';
import { formatPercent, formatScore, plural } from '../format';
import './compare-panel.css';

const SIZE = 260;
const PAD = 10;
const DIFF_SHOWN = 100;
const COLOURS = { both: '#c8372d', a: '#2f5fd0', b: '#e08a00', neither: '#9aa4b2' };

function Scatter({ c }: { c: RunComparison }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = SIZE * dpr;
    canvas.height = SIZE * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, SIZE, SIZE);
    // Each axis on its own range: the runs' scores may be on different scales (z, raw error).
    const range = (v: number[]) => {
      const finite = v.filter(Number.isFinite);
      const lo = Math.min(...finite);
      const hi = Math.max(...finite);
      return (x: number) => (Number.isFinite(x) ? (x - lo) / (hi - lo || 1) : 0);
    };
    const fx = range(c.pairs.map((p) => p.scoreA));
    const fy = range(c.pairs.map((p) => p.scoreB));
    const draw = (pick: (p: RunComparison['pairs'][number]) => boolean, colour: string) => {
      ctx.fillStyle = colour;
      for (const p of c.pairs) if (pick(p)) ctx.fillRect(PAD + fx(p.scoreA) * (SIZE - 2 * PAD) - 1.5, SIZE - PAD - fy(p.scoreB) * (SIZE - 2 * PAD) - 1.5, 3, 3);
    };
    draw((p) => !p.flaggedA && !p.flaggedB, COLOURS.neither);
    draw((p) => p.flaggedA && !p.flaggedB, COLOURS.a);
    draw((p) => !p.flaggedA && p.flaggedB, COLOURS.b);
    draw((p) => p.flaggedA && p.flaggedB, COLOURS.both);
  }, [c]);
  return <canvas ref={ref} style={{ width: SIZE, height: SIZE }} className="compare__scatter" role="img" aria-label="Score scatter: baseline (x) against this run (y)" />;
}

export function ComparePanel({ verdicts }: { verdicts: Verdicts }) {
  const files = useStudio((s) => s.files);
  const scores = useStudio((s) => s.scores);
  const baseline = useStudio((s) => s.baseline);
  const stored = useStudio((s) => s.baselineStored);
  const setBaseline = useStudio((s) => s.setBaseline);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const current = useMemo<RunRows | null>(
    () => (scores ? { name: 'this run', rows: files.map((file, i) => ({ file, score: scores[i], flagged: verdicts.flagged[i] === 1 })) } : null),
    [files, scores, verdicts.flagged],
  );
  const comparison = useMemo(() => {
    if (!baseline || !current) return { c: null, error: null };
    try {
      return { c: compareRuns(baseline, current), error: null };
    } catch (err) {
      return { c: null, error: messageOf(err) };
    }
  }, [baseline, current]);
  if (!current) return null;

  const keep = () => {
    setError(null);
    setBaseline({ name: `the run kept at ${new Date().toLocaleTimeString()}`, rows: current.rows });
  };
  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const rows = parseScoresCsv(await file.text()).map((r) => ({ file: r.file, score: r.score, flagged: r.flagged }));
      if (rows.length === 0) throw new Error('it has a header but no rows');
      setError(null);
      setBaseline({ name: file.name, rows });
    } catch (err) {
      setError(`Could not read ${file.name} as a scores CSV (${messageOf(err)}). Load a scores.csv exported by the app or written by dede scan --out.`);
    }
  };
  const c = comparison.c;
  const exportDiff = () => {
    if (!c) return;
    const q = (f: string) => `"${f.replaceAll('"', '""')}"`;
    const lines = ['file,score_baseline,score_this_run,flagged_by', ...c.diff.map((d) => `${q(d.file)},${d.scoreA},${d.scoreB},${d.flaggedBy === 'a' ? 'baseline' : 'this run'}`)];
    download('dede-compare-diff.csv', lines.join('\n') + '\n', 'text/csv');
  };

  return (
    <section className="panel compare" aria-labelledby="compare-title" data-testid="compare-panel">
      <h2 id="compare-title">Compare runs</h2>
      <div className="compare__bar">
        <button type="button" onClick={keep}>
          Keep this run as the baseline
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Load a scores.csv as the baseline
        </button>
        <input ref={fileInput} type="file" accept=".csv,text/csv" hidden aria-label="Baseline scores CSV" onChange={(e) => void load(e)} />
        {baseline && (
          <button type="button" onClick={() => setBaseline(null)}>
            Forget the baseline
          </button>
        )}
      </div>
      {error && <p className="field__error" role="alert">{error}</p>}
      {!baseline && (
        <p className="muted">
          Keep this run, then change the encoder, preset or threshold and run again; or load a scores.csv from another run (the app's Export CSV or{' '}
          <code>dede scan --out</code>) over the same folder.
        </p>
      )}
      {baseline && !stored && <p className="warn-text">The baseline is too large for this browser's storage: it is kept in this tab only.</p>}
      {baseline && comparison.error && <p className="field__error">{comparison.error}</p>}
      {baseline && c && (
        <div className="compare__body">
          <div>
            <p>
              Baseline: <strong>{baseline.name}</strong>
            </p>
            <dl className="compare__stats" data-testid="compare-stats">
              <div>
                <dt>Files in both</dt>
                <dd data-metric="matched">{c.matched.toLocaleString()}</dd>
              </div>
              {(c.onlyInA > 0 || c.onlyInB > 0) && (
                <div>
                  <dt>Only in the baseline / this run</dt>
                  <dd>
                    {c.onlyInA.toLocaleString()} / {c.onlyInB.toLocaleString()}
                  </dd>
                </div>
              )}
              <div>
                <dt>Flagged: baseline / this run</dt>
                <dd data-metric="flagged">
                  {c.flaggedA.toLocaleString()} / {c.flaggedB.toLocaleString()}
                </dd>
              </div>
              <div>
                <dt>Flagged by both</dt>
                <dd data-metric="both">{c.flaggedBoth.toLocaleString()}</dd>
              </div>
              <div>
                <dt>Overlap (Jaccard)</dt>
                <dd data-metric="jaccard">{formatPercent(c.jaccard)}</dd>
              </div>
              <div>
                <dt>Score rank correlation</dt>
                <dd data-metric="spearman">{c.spearman === null ? '-' : c.spearman.toFixed(3)}</dd>
              </div>
            </dl>
            <p className="small">
              <span style={{ color: COLOURS.both }}>■</span> both &nbsp;<span style={{ color: COLOURS.a }}>■</span> baseline only &nbsp;
              <span style={{ color: COLOURS.b }}>■</span> this run only &nbsp;<span style={{ color: COLOURS.neither }}>■</span> neither
            </p>
          </div>
          <Scatter c={c} />
          <div className="compare__diff">
            <h3>
              Flagged by one run only ({plural(c.diff.length, 'file')}){' '}
              {c.diff.length > 0 && (
                <button type="button" className="button--small" onClick={exportDiff}>
                  Export (CSV)
                </button>
              )}
            </h3>
            {c.diff.length === 0 ? (
              <p className="muted">Both runs flag the same files.</p>
            ) : (
              <table className="compare__table">
                <thead>
                  <tr>
                    <th>file</th>
                    <th>baseline</th>
                    <th>this run</th>
                    <th>flagged by</th>
                  </tr>
                </thead>
                <tbody>
                  {c.diff.slice(0, DIFF_SHOWN).map((d) => (
                    <tr key={d.file} data-file={d.file}>
                      <td className="compare__file">{d.file}</td>
                      <td>{formatScore(d.scoreA)}</td>
                      <td>{formatScore(d.scoreB)}</td>
                      <td>{d.flaggedBy === 'a' ? 'baseline' : 'this run'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {c.diff.length > DIFF_SHOWN && <p className="muted small">The first {DIFF_SHOWN} shown; the export has all of them.</p>}
          </div>
        </div>
      )}
    </section>
  );
}
