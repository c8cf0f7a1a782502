/** The page: header with the demo button, the three setup steps, training, results, export. */
import { useEffect } from 'react';
import { restoreSession, tryDemo } from '../../state/bridge';
import { useStudio } from '../../state/store';
import { ErrorBoundary } from '../ErrorBoundary/ErrorBoundary';
import { GettingStarted } from '../GettingStarted/GettingStarted';
import { InputsPanel } from '../InputsPanel/InputsPanel';
import { Notices } from '../Notices/Notices';
import { PreprocessForm } from '../PreprocessForm/PreprocessForm';
import { ResultsView } from '../ResultsView/ResultsView';
import { RunPanel } from '../RunPanel/RunPanel';
import { TrainingView } from '../TrainingView/TrainingView';
import './app.css';

function RunError() {
  const error = useStudio((s) => s.error);
  const demoError = useStudio((s) => s.errors.demo);
  const message = error ?? (demoError ? `The demo could not be loaded: ${demoError}` : null);
  if (!message) return null;
  return (
    <div className="run-error" role="alert">
      <strong>{error ? 'The run stopped.' : 'Demo unavailable.'}</strong> {message}
    </div>
  );
}

function Header({ busy }: { busy: boolean }) {
  const loading = useStudio((s) => s.loading);
  return (
    <header className="app-header">
      <div>
        <h1>DeDe Studio</h1>
        <p className="app-header__tag">
          Find backdoor-poisoned images for a self-supervised encoder: a decoder learns to rebuild each image from its
          embedding, and the images it cannot rebuild stand out. Everything runs in this browser; no file leaves it.
        </p>
      </div>
      <div className="app-header__actions">
        <button type="button" className="button button--primary" disabled={busy || loading !== null} onClick={() => void tryDemo()}>
          Try the demo
        </button>
        {loading && (
          <span className="loading" role="status">
            {loading}
          </span>
        )}
      </div>
    </header>
  );
}

export function App() {
  const phase = useStudio((s) => s.phase);
  const busy = phase === 'embedding' || phase === 'training' || phase === 'scoring';
  useEffect(() => void restoreSession(), []);
  return (
    <div className="app" data-phase={phase} aria-busy={busy}>
      <Header busy={busy} />
      <main className="app-main">
        <Notices />
        <RunError />
        <ErrorBoundary>
          <div className="setup-grid">
            <InputsPanel busy={busy} />
            <PreprocessForm busy={busy} />
            <RunPanel />
          </div>
          <GettingStarted />
          <TrainingView />
          <ResultsView />
        </ErrorBoundary>
      </main>
    </div>
  );
}
