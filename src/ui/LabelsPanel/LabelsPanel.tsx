/**
 * Labels as they come (core/partialLabels.ts): the analyst's manual verdicts read as partial
 * ground truth, precision and recall at the threshold among them, a suggested threshold, and a
 * review queue that opens the unlabelled sample nearest the threshold.
 */
import { useMemo } from 'react';
import { partialLabelEstimate, reviewQueue, type PartialLabel } from '../../core/partialLabels';
import { useStudio } from '../../state/store';
import type { Verdicts } from '../../state/verdicts';
import './labels-panel.css';

const pct = (x: number) => `${Math.round(100 * x)}%`;
const ci = (c: [number, number] | null) => (c ? ` (95% CI ${pct(c[0])}-${pct(c[1])})` : '');

export function LabelsPanel({ verdicts }: { verdicts: Verdicts }) {
  const files = useStudio((s) => s.files);
  const scores = useStudio((s) => s.scores);
  const overrides = useStudio((s) => s.overrides);
  const { select, setEnlarged, setGalleryFilter, setManualThreshold } = useStudio.getState();
  const threshold = verdicts.threshold;
  const labels = useMemo<PartialLabel[]>(
    () => files.map((f) => (overrides[f] === 'poisoned' ? 1 : overrides[f] === 'clean' ? 0 : null)),
    [files, overrides],
  );
  const estimate = useMemo(
    () => (scores && threshold !== null ? partialLabelEstimate(scores, labels, threshold) : null),
    [scores, labels, threshold],
  );
  const queue = useMemo(() => (scores && threshold !== null ? reviewQueue(scores, threshold, labels) : []), [scores, labels, threshold]);
  if (!scores || threshold === null || !estimate) return null;

  const reviewNext = () => {
    if (queue.length === 0) return;
    setGalleryFilter('all');
    select(queue[0]);
    setEnlarged(true);
  };
  return (
    <section className="labels-panel" aria-label="Labels so far" data-testid="labels-panel">
      <h3>Labels so far</h3>
      {estimate.labelled === 0 ? (
        <p className="muted">
          Mark samples poisoned or clean (p / c in the gallery) to estimate precision and recall here. "Review next" opens the unlabelled sample
          nearest the threshold, where one label teaches the most.
        </p>
      ) : (
        <>
          <p data-testid="labels-count">
            {estimate.labelled} labelled by hand ({estimate.poisoned} poisoned, {estimate.clean} clean).
          </p>
          <p data-testid="labels-estimate">
            At this threshold, among them: precision {estimate.precision === null ? 'n/a' : pct(estimate.precision)}
            {ci(estimate.precisionCi)}, recall {estimate.recall === null ? 'n/a' : pct(estimate.recall)}
            {ci(estimate.recallCi)}.
          </p>
          {estimate.suggested !== null && (
            <p>
              Suggested threshold (best split of your labels): <strong data-testid="labels-suggested">{estimate.suggested.toPrecision(4)}</strong>{' '}
              <button type="button" className="button button--small" onClick={() => setManualThreshold(estimate.suggested)}>
                Use it
              </button>
            </p>
          )}
          <p className="muted">These are the samples you chose to look at, not a random sample: the figures describe them, not the folder.</p>
        </>
      )}
      <button type="button" className="button" disabled={queue.length === 0} onClick={reviewNext}>
        Review next ({queue.length.toLocaleString('en-US')} unlabelled)
      </button>
    </section>
  );
}
