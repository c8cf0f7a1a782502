import { defineConfig } from '@playwright/test';

// End-to-end tests against the production build (`npm run build` first; `npm test` does),
// served by scripts/serve.mjs with the COOP/COEP headers, in Debian's Chromium.
const port = Number(process.env.PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/artifacts',
  // Training runs in the page on two CPU cores: tests are long and must not compete.
  workers: 1,
  fullyParallel: false,
  timeout: 15 * 60_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node scripts/serve.mjs',
    url: `http://127.0.0.1:${port}/`,
    env: { PORT: String(port) },
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
