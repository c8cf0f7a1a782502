/** The page as a web page: security headers on every response, and the app works under them. */
import { expect, test } from '@playwright/test';
import { SECURITY_HEADERS } from '../scripts/headers.mjs';

test('every response carries the security headers, and the CSP allows nothing off-origin', async ({ request }) => {
  for (const path of ['/', '/demo/manifest.json', '/no-such-file.js']) {
    const res = await request.get(path);
    const headers = res.headers();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(headers[name.toLowerCase()], `${name} on ${path}`).toBe(value);
    }
  }
  const csp = (await request.get('/')).headers()['content-security-policy'];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/https?:|'unsafe-eval'|\*/);
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  // The built page carries the same policy for hosts that send no headers.
  const html = await (await request.get('/')).text();
  expect(html).toContain('http-equiv="Content-Security-Policy"');
});

test('the page cannot be framed and inline script does not run', async ({ page }) => {
  await page.goto('/');
  const inlineRan = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __inline?: number }).__inline === 1;
  });
  expect(inlineRan).toBe(false);
});
