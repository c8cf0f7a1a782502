/**
 * Hooks for end-to-end tests, installed only when the page is opened with `?testing`:
 * they simulate what a test cannot cause for real (a GPU driver reset).
 */
import { studio } from './workerClient';

export function installTestingHooks(): void {
  if (!new URLSearchParams(location.search).has('testing')) return;
  (window as unknown as { dedeTesting: unknown }).dedeTesting = {
    loseDevice: () => studio().loseDevice(),
  };
}
