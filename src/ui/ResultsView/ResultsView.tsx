/** Step 4: judge and inspect: histogram with threshold, counts, ROC (with labels), gallery. */
import { useEffect, useRef } from 'react';
import { useStudio } from '../../state/store';
import { useVerdicts } from '../../state/verdicts';
import { ExportPanel } from '../ExportPanel/ExportPanel';
import { ComparePanel } from '../ComparePanel/ComparePanel';
import { EmbeddingMap } from '../EmbeddingMap/EmbeddingMap';
import { Gallery } from '../Gallery/Gallery';
import { Histogram } from '../Histogram/Histogram';
import { RocPanel } from '../RocPanel/RocPanel';
import { ThresholdPanel } from '../ThresholdPanel/ThresholdPanel';
import { LabelsPanel } from '../LabelsPanel/LabelsPanel';
import { formatEta, plural } from '../format';
import './results-view.css';

function RunFacts() {
  const power = useStudio((s) => s.power);
  const timings = useStudio((s) => s.timings);
  const epochs = useStudio((s) => s.epochsTrained);
  const backend = useStudio((s) => s.backend);
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  return (
    <p className="run-facts">
      <span>
        Decoder power{' '}
        <strong className={power !== null && power < 0.8 ? 'warn-text' : undefined}>{power === null ? '-' : power.toFixed(3)}</strong>
        <span className="muted" title="AUROC of images scored with another image's embedding vs their own: how well this decoder can expose a backdoor, without any labels">
          {' '}
          (?)
        </span>
      </span>
      <span>{plural(epochs, 'epoch')}</span>
      {backend && <span>{backend.name}</span>}
      <span>{formatEta(total)} in all</span>
    </p>
  );
}

export function ResultsView() {
  const scores = useStudio((s) => s.scores);
  const verdicts = useVerdicts();
  const ref = useRef<HTMLElement>(null);
  // A finished run brings its results into view.
  useEffect(() => {
    if (scores) ref.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [scores]);
  if (!scores) return null;
  return (
    <>
      <section className="panel results-view" aria-labelledby="results-title" ref={ref}>
        <div className="results-view__head">
          <h2 id="results-title">4. Results</h2>
          <RunFacts />
        </div>
        <div className="results-view__grid">
          <div>
            <Histogram scores={scores} threshold={verdicts.threshold} />
            <ThresholdPanel verdicts={verdicts} />
            <LabelsPanel verdicts={verdicts} />
          </div>
          <RocPanel verdicts={verdicts} />
        </div>
      </section>
      <section className="panel" aria-labelledby="map-title">
        <h2 id="map-title">Embedding map</h2>
        <EmbeddingMap verdicts={verdicts} />
      </section>
      <section className="panel" aria-labelledby="gallery-title">
        <h2 id="gallery-title">Samples by score</h2>
        <Gallery verdicts={verdicts} />
      </section>
      <ExportPanel verdicts={verdicts} />
      <ComparePanel verdicts={verdicts} />
    </>
  );
}
