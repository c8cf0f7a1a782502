/**
 * Step 5: the results as files: scores.csv in the CLI's format plus an `override` column
 * (core's scoresToCsv; `flagged` is the final verdict, manual overrides included), the JSON
 * summary with the run's settings, the list of kept (clean) files, the trained decoder.
 */
import { useState } from 'react';
import { scoresToCsv, witnessColumns, type ScoreRow } from '../../core/csv';
import { isFlagged } from '../../core/threshold';
import { witnessVerdict } from '../../core/verdict';
import { decoderBytes, lastRunResult, rebuildCollapse, reportEvidence } from '../../state/bridge';
import { renderReport } from '../../core/report';
import { messageOf } from '../../state/messages';
import { useStudio } from '../../state/store';
import type { Verdicts } from '../../state/verdicts';
import { download } from './download';
import { runSummary } from './summary';
import './export-panel.css';

export function ExportPanel({ verdicts }: { verdicts: Verdicts }) {
  const [error, setError] = useState<string | null>(null);
  const [reporting, setReporting] = useState(false);
  const files = useStudio((s) => s.files);
  const scores = useStudio((s) => s.scores);
  const overrides = useStudio((s) => s.overrides);
  if (!scores) return null;
  const { flagged, threshold } = verdicts;

  const exportCsv = () => {
    const run = lastRunResult();
    // The witness columns as the CLI writes them; flagged_by is the threshold's word, before overrides.
    const cols =
      run && threshold !== null && run.witnesses.length > 0
        ? witnessColumns({
            paths: files,
            raw: run.raw,
            witnesses: run.witnesses,
            bestDonor: run.bestDonor,
            flaggedBy: witnessVerdict({ ...run, score: run.scores }, Array.from(run.scores, (v) => isFlagged(v, threshold)), threshold, useStudio.getState().rule, null, null).flaggedBy,
          })
        : null;
    const rows: ScoreRow[] = files.map((file, i) => ({
      file,
      score: scores[i],
      flagged: flagged[i] === 1,
      override: overrides[file] ?? null,
      extra: cols?.extra(i),
    }));
    download('scores.csv', scoresToCsv(rows, { override: true, columns: cols?.columns }), 'text/csv');
  };
  const exportJson = async () => {
    const run = lastRunResult();
    if (!run || threshold === null) return setError('No finished run to summarise.');
    setError(null);
    // With labels, the same rebuild collapse the ROC panel shows (computed in the worker).
    const collapse = verdicts.subset ? await rebuildCollapse(verdicts.subset, files.length) : null;
    const summary = runSummary(useStudio.getState(), run, threshold, flagged, collapse);
    download('summary.json', JSON.stringify(summary, null, 2) + '\n', 'application/json');
  };
  const exportReport = async () => {
    const run = lastRunResult();
    if (!run || threshold === null) return setError('No finished run to report on.');
    setError(null);
    setReporting(true);
    try {
      const st = useStudio.getState();
      const collapse = verdicts.subset ? await rebuildCollapse(verdicts.subset, files.length) : null;
      // Rebuilds and the trigger hint are computed in the worker; the page only assembles the HTML.
      const evidence = await reportEvidence(run.scores, flagged);
      const summary = runSummary(st, run, threshold, flagged, collapse, evidence);
      const html = renderReport({
        summary,
        paths: files,
        scores: run.scores,
        flagged: Array.from(flagged, (f) => f === 1),
        evidence,
        norm: run.pre ?? st.preprocess,
        title: `${st.encoderNames.join(', ')} on ${st.suspect?.source ?? 'the image folder'}`,
        createdAt: new Date().toISOString(),
        tool: 'DeDe Studio (browser)',
      });
      download('dede-report.html', html, 'text/html');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setReporting(false);
    }
  };
  const exportKept = () => {
    const kept = files.filter((_, i) => flagged[i] === 0);
    download('kept.txt', kept.join('\n') + (kept.length ? '\n' : ''), 'text/plain');
  };
  const exportDecoder = async () => {
    try {
      setError(null);
      download('decoder.dedeckpt', (await decoderBytes()) as Uint8Array<ArrayBuffer>, 'application/octet-stream');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="panel export-panel" aria-labelledby="export-title">
      <h2 id="export-title">5. Export</h2>
      <div className="export-panel__buttons">
        <button type="button" className="button button--primary" onClick={exportCsv}>
          Export CSV
        </button>
        <button type="button" className="button" onClick={() => void exportJson()}>
          Export JSON summary
        </button>
        <button type="button" className="button" disabled={reporting} onClick={() => void exportReport()}>
          {reporting ? 'Building the report...' : 'Download report (HTML)'}
        </button>
        <button type="button" className="button" onClick={exportKept}>
          Export kept files ({verdicts.counts.clean})
        </button>
        <button type="button" className="button" onClick={() => void exportDecoder()}>
          Export decoder weights
        </button>
      </div>
      <p className="muted small">
        scores.csv: <code>file,score,flagged,override</code>, highest score first; <code>flagged</code> is the final verdict
        (a manual override wins over the threshold). The decoder file is a DeDe checkpoint the CLI can resume from.
      </p>
      {error && <p className="field__error" role="alert">{error}</p>}
    </section>
  );
}
