/** Step 3: run settings, the Run button, progress with ETA, and pause / resume / stop / cancel. */
import { cancelRun, finishTraining, pauseRun, resumeRun, runBlocker, startRun, trainAgain } from '../../state/bridge';
import { useStudio } from '../../state/store';
import { formatEta, PHASE_LABELS } from '../format';
import { estimateMemory, formatBytes, runMemoryBytes } from '../../core/memory';
import { MODEL_PRESETS, rebuildSizeFor } from '../../core/options';
import { RunSettings } from './RunSettings';
import './run-panel.css';

function ProgressLine() {
  const progress = useStudio((s) => s.progress);
  const paused = useStudio((s) => s.paused);
  const phase = useStudio((s) => s.phase);
  if (phase === 'idle' || phase === 'done' || phase === 'error') return null;
  // Between phases, until the first step of the new one reports, show it as starting.
  const current = progress && (progress.phase === phase || (phase === 'embedding' && progress.phase === 'decoding') || (phase === 'scoring' && progress.phase === 'power'));
  if (!progress || !current) {
    return (
      <div className="progress">
        <div className="progress__text">
          <strong>{PHASE_LABELS[phase] ?? phase}</strong>
          <span className="muted">starting...</span>
        </div>
        <div className="progress__bar" role="progressbar" aria-label={PHASE_LABELS[phase] ?? phase} aria-valuemin={0} aria-valuemax={100} aria-valuenow={0}>
          <div className="progress__fill" style={{ width: 0 }} />
        </div>
      </div>
    );
  }
  const pct = progress.total > 0 ? (100 * progress.done) / progress.total : 0;
  const label = PHASE_LABELS[progress.phase] ?? progress.phase;
  const detail =
    progress.phase === 'training'
      ? `epoch ${progress.epoch} of ${progress.epochs}, loss ${progress.loss.toFixed(4)}`
      : `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`;
  return (
    <div className="progress">
      <div className="progress__text">
        <span>
          <strong>{paused ? 'Paused' : label}</strong>: {detail}
        </span>
        <span className="muted">{paused ? 'weights kept' : `${formatEta(progress.etaSeconds)} left`}</span>
      </div>
      <div className="progress__bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div className="progress__fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** The memory the run will need at its peak (core/memory.ts), before it starts; a sentence when it cannot fit. */
function MemoryLine() {
  const encoder = useStudio((s) => s.encoder);
  const suspect = useStudio((s) => s.suspect);
  const aux = useStudio((s) => s.aux);
  const trainOn = useStudio((s) => s.trainOn);
  const pre = useStudio((s) => s.preprocess);
  const train = useStudio((s) => s.train);
  if (!encoder || !suspect) return null;
  const cfg = MODEL_PRESETS[train.preset];
  let rebuild: number;
  try {
    rebuild = rebuildSizeFor(encoder.inputSize ?? pre.size, cfg.patch, train.rebuildSize);
  } catch {
    return null;
  }
  const images = suspect.paths.length + (trainOn !== 'suspect' && aux ? aux.paths.length : 0);
  const est = estimateMemory(images, rebuild, cfg, train.batch, train.trainMask);
  const folds = trainOn === 'aux' ? 1 : train.folds;
  // The worker trains its decoders one after the other (ONNX Runtime Web's threads, or the GPU).
  const total = runMemoryBytes(est, images, encoder.embDim ?? 512, folds, 1, train.maxTrainImages);
  return (
    <p className="muted small" data-testid="memory-estimate">
      Memory for this run: about <strong>{formatBytes(total)}</strong> (decoder targets {formatBytes(est.images)} for {images.toLocaleString()} x {rebuild} px; one
      training step {formatBytes(est.trainStep)} per decoder).
    </p>
  );
}

export function RunPanel() {
  const phase = useStudio((s) => s.phase);
  const paused = useStudio((s) => s.paused);
  const backend = useStudio((s) => s.backend);
  const blocker = useStudio(() => runBlocker());
  const ready = blocker === null;
  const running = phase === 'embedding' || phase === 'training' || phase === 'scoring';
  return (
    <section className="panel run-panel" aria-labelledby="run-title">
      <h2 id="run-title">3. Run</h2>
      <RunSettings busy={running} />
      <div className="run-panel__actions">
        <button type="button" className="button button--primary" disabled={running || !ready} onClick={() => void startRun()}>
          Run
        </button>
        {running && phase === 'training' && (
          <>
            {paused ? (
              <button type="button" className="button" onClick={resumeRun}>
                Resume
              </button>
            ) : (
              <button type="button" className="button" onClick={pauseRun}>
                Pause
              </button>
            )}
            <button type="button" className="button" onClick={finishTraining} title="Stop training now and score with the weights trained so far">
              Stop training and score
            </button>
          </>
        )}
        {running && (
          <button type="button" className="button button--ghost" onClick={cancelRun} title="Cancel the run; the decoder stays saved and Run continues it">
            Cancel
          </button>
        )}
        {!running && phase === 'done' && (
          <button type="button" className="button" onClick={() => void trainAgain()} title="Forget the trained decoders of these inputs and train new ones from scratch, live">
            Train again
          </button>
        )}
        {!running && blocker && <span className="muted">{blocker}</span>}
      </div>
      <MemoryLine />
      <ProgressLine />
      {backend && (
        <p className="backend-line" data-backend={backend.name}>
          Backend: <strong>{backend.name}</strong> <span className="muted">({backend.reason})</span>
          {backend.trainer && (
            <span className="trainer">
              {' '}
              · decoder training on <strong>{backend.trainer}</strong>
            </span>
          )}
        </p>
      )}
    </section>
  );
}
