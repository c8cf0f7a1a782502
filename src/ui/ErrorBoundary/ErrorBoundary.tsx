/** Never a blank screen: a rendering error shows what happened and how to recover. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

interface Props {
  children: ReactNode;
  /** The page's outermost boundary: it then carries `data-phase="error"` (the app that did is gone). */
  root?: boolean;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('DeDe Studio crashed while drawing the page', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="crash" role="alert" data-phase={this.props.root ? 'error' : undefined}>
        <h1>Something went wrong while drawing the page</h1>
        <p>{this.state.error.message}</p>
        <p>
          Your settings and any trained decoder are saved in this browser. Reload the page to continue; if this keeps
          happening, clear the site data for this page and try again.
        </p>
        <div className="crash__actions">
          <button type="button" className="button button--primary" onClick={() => location.reload()}>
            Reload
          </button>
          <button type="button" className="button" onClick={() => this.setState({ error: null })}>
            Try to continue
          </button>
        </div>
      </div>
    );
  }
}
