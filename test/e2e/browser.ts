import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack, type Stack, type StackOptions } from '../helpers/stack';
import { late } from '../helpers/use-stack';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), and the axe-core
 * accessibility check the dashboard's pages must pass.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/** Builds dashboard/ into dist/dashboard, as `npm run build` does, so the tests serve current code. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'), 'build', 'dashboard', '--logLevel', 'error'], { cwd: path.resolve(__dirname, '..', '..'), stdio: 'inherit' });
}

export interface BrowserSuiteSetup {
  /** Build dashboard/ first: the suite visits its pages. */
  dashboard?: boolean;
  /** Rows the suite reads, written once the stack is empty. */
  seed?: (stack: Stack) => Promise<void>;
}

/**
 * The usual setup of a browser suite, registered as mocha hooks in the describe that calls it:
 * one stack, emptied and seeded once (a suite's tests may build on each other, so it is not reset
 * between them), and one Chromium; both stopped after the suite. As with useStack, `stack` and
 * `browser` stand for them inside hooks and tests.
 */
export function useBrowserSuite(options: StackOptions = {}, setup: BrowserSuiteSetup = {}): { stack: Stack; browser: Browser } {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  before('start the stack and Chromium', async function () {
    this.timeout(120_000);
    if (setup.dashboard) buildDashboard();
    stack = await startStack(options);
    await stack.reset();
    await setup.seed?.(stack);
    browser = await launchChromium();
  });
  after('stop Chromium and the stack', async () => {
    await browser?.close();
    await stack?.stop();
  });
  return { stack: late<Stack>('the stack', () => stack), browser: late<Browser>('Chromium', () => browser) };
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core over the page as it is now: the serious and critical violations (WCAG 2 A/AA rules). */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  // Evaluated rather than added as a <script>: the dashboard's CSP rightly refuses inline scripts.
  // Once per document: pages reached inside the app (openInApp) keep it.
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE);
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  return page.evaluate<Violation[]>(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  })()`);
}

/**
 * Shows another page of the app as its own links do (history and popstate, no reload), so a sweep
 * over every page does not load the document and axe-core again for each.
 */
export async function openInApp(page: Page, path: string): Promise<void> {
  // The old page's heading is marked, so the wait below is for the new page's own.
  await page.evaluate(`for (const h of document.querySelectorAll('h1')) h.setAttribute('data-left', '');
    history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`);
  await page.locator('h1:not([data-left])').first().waitFor();
}

/**
 * Waits until no read is still loading (every "Loading …" status gone). Locators rather than
 * waitForFunction: the dashboard's CSP forbids the eval that a page-side predicate needs.
 */
export async function settled(page: Page): Promise<void> {
  await page.getByText(/^Loading .*…$/).first().waitFor({ state: 'detached' });
}

/** Waits for the first chart on the page to be drawn (uPlot painted it). */
export async function chartDrawn(page: Page): Promise<void> {
  await page.locator('figure[data-drawn]').first().waitFor();
}

