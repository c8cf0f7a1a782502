/** Entry of the page: mounts the app inside an error boundary (never a blank screen). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTestingHooks } from './state/testing';
import { App } from './ui/App/App';
import { ErrorBoundary } from './ui/ErrorBoundary/ErrorBoundary';

installTestingHooks();
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks <div id="root">');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary root>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
