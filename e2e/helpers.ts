/** Shared plumbing of the end-to-end tests: fixtures, phases, screenshots, request and long-task watches. */
import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundled demo ("Try the demo": public/demo, the DRUPE-style fixture); E2E_DEMO_DIR points elsewhere for local experiments. */
export const DEMO = process.env.E2E_DEMO_DIR ?? join(ROOT, 'public', 'demo');
/**
 * The folder the drop tests drag in: the patch-backdoor fixture (fixtures/patch; the demo until
 * stop 18), whose trigger a short training run finds, so those tests stay in minutes.
 */
export const PATCH = process.env.E2E_PATCH_DIR ?? join(ROOT, 'fixtures', 'patch');

/** Epochs for e2e runs that only need a finished run: short, so the suite stays in minutes. */
export const E2E_EPOCHS = Number(process.env.E2E_EPOCHS ?? 1);
/**
 * Epochs for the run whose exported scores must reach AUROC >= 0.9 on the patch fixture, with
 * one decoder (folds 1); measured in headless Chromium, wasm, 2 cores: 3 epochs give 0.97.
 */
export const AUROC_EPOCHS = Number(process.env.AUROC_EPOCHS ?? 3);

export type AppPhase = 'idle' | 'embedding' | 'training' | 'scoring' | 'done' | 'error';

export function phaseOf(page: Page): Promise<string | null> {
  return page.locator('[data-phase]').first().getAttribute('data-phase');
}

/** Waits for `phase`; fails at once, with the page's error text, if the app reports an error instead. */
export async function waitForPhase(page: Page, phase: AppPhase, timeout = 10 * 60_000): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const p = document.querySelector('[data-phase]')?.getAttribute('data-phase');
      return p === want || p === 'error';
    },
    phase,
    { timeout, polling: 250 },
  );
  const now = await phaseOf(page);
  if (now === 'error' && phase !== 'error') {
    const text = await page.locator('.run-error').innerText().catch(() => '(no message)');
    throw new Error(`the app reported an error while waiting for ${phase}: ${text}`);
  }
  expect(now).toBe(phase);
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (kept as an artifact). */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Records every request that leaves the page's origin (there must be none). */
export function watchRequests(page: Page, origin: string): { external: string[]; total: () => number } {
  const external: string[] = [];
  let total = 0;
  page.on('request', (r) => {
    total++;
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
  });
  return { external, total: () => total };
}

/** Installs a `longtask` PerformanceObserver before any page script runs. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function longTasks(page: Page): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
}

export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** RFC 4180 rows (quoted fields with doubled quotes), enough for scores.csv. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** AUROC as the Mann-Whitney probability that a poisoned image outscores a clean one (ties count half). */
export function auroc(pos: number[], neg: number[]): number {
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** Records every Content-Security-Policy violation the page reports (there must be none). */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const messages: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) messages.push(m.text());
  });
  return async () => [...messages, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))];
}
