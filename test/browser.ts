import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

// The browser tests' Chromium: Debian's package, fetched once into .cache/ by
// scripts/chromium/install.sh and driven by playwright-core. One browser per test file; each test
// opens its own context (cookies, storage) and closes it.

const root = path.join(import.meta.dirname, '..');
const run = promisify(execFile);

export async function chromiumPath(): Promise<string> {
  const { stdout } = await run('bash', [path.join(root, 'scripts/chromium/install.sh')], { maxBuffer: 1 << 20 });
  return stdout.trim().split('\n').at(-1)!;
}

export function useBrowser(): { browser: () => Browser } {
  let browser: Browser | undefined;
  before(async () => {
    // Root has no user namespaces for Chromium's sandbox here; the pages are our own app.
    browser = await chromium.launch({ executablePath: await chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
  });
  return { browser: () => browser! };
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions (a CSP violation is one), for asserting there were none. */
  errors: string[];
}

/** A new context and page that records every console error and page error. */
export async function openPage(browser: Browser, url: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Watched> {
  const context = await browser.newContext(options);
  // Only this machine: a page that asks for anything else (a web font on a provider's page) is
  // refused, so a test never sends traffic off the machine.
  await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/])/, (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { context, page, errors };
}

let axeSource: Promise<string> | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. Evaluated through the
 * DevTools protocol, which the page's Content-Security-Policy does not govern, so the policy under
 * test stays as strict as in production.
 */
export async function seriousViolations(page: Page): Promise<{ id: string; help: string; targets: string[] }[]> {
  axeSource ??= readFile(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
  // Page-side code as strings: this file is type-checked without the DOM's types.
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(await axeSource);
  const violations = await page.evaluate<AxeViolation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Signs in with the dev host's "sign in as" form and waits for the app. */
export async function signInAs(page: Page, user: string): Promise<void> {
  await page.getByRole('textbox', { name: 'User name' }).fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('textbox', { name: 'Add a task' }).waitFor();
}
