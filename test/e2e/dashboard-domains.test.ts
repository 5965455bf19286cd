import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { createUser } from '../../src/db/user-store';
import { hashPassword } from '../../src/lib/secrets';
import type { Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { openInApp, seriousViolations, settled, useBrowserSuite } from './browser';

/**
 * The Domains page and the link form's Domain select in Debian's Chromium against the real stack
 * (web + workers): one person adds a domain, waits for it, verifies it, puts a link on it and
 * removes it again. Each test goes on where the previous one stopped.
 */
describe('custom domains in the dashboard, in a real browser', function () {
  this.timeout(60_000);
  // .test never resolves, so the worker's first checks fail until the test maps the name to this stack.
  const HOST = 'go.example.test';
  const EMAIL = 'domains@example.com';
  const PASSWORD = 'correct horse battery';
  const { stack, browser } = useBrowserSuite({ workers: true }, { dashboard: true, seed });
  let page: Page;

  async function seed(started: Stack): Promise<void> {
    // Pro has custom domains; a low scrypt cost keeps the sign-in quick (a stored hash names its own cost).
    await createUser(started.services.db, EMAIL, 'pro', { passwordHash: await hashPassword(PASSWORD, 10) });
  }

  before(async () => {
    page = await (await browser.newContext({ baseURL: stack.baseUrl })).newPage();
  });

  const card = (): Locator => page.getByRole('region', { name: HOST });
  const domainSelect = (): Locator => page.getByRole('combobox', { name: /^Domain\b/ });

  /** Another page of the app without a reload (openInApp), unless it is already showing. */
  async function show(path: string): Promise<void> {
    if (new URL(page.url()).pathname !== path) await openInApp(page, path);
  }

  async function domainRow(): Promise<{ id: number; status: string; root_redirect_url: string | null; not_found_redirect_url: string | null; verification_token: string } | undefined> {
    return stack.services.db('domains').where({ hostname: HOST }).first('id', 'status', 'root_redirect_url', 'not_found_redirect_url', 'verification_token');
  }

  async function assertAccessible(paths: string[]): Promise<void> {
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of paths) {
        await show(path);
        await settled(page);
        assert.deepEqual(await seriousViolations(page), [], `${path} at ${width} px has accessibility violations`);
        const wide = await page.evaluate<number>('document.documentElement.scrollWidth');
        assert.ok(wide <= width, `${path} scrolls sideways at ${width} px (${wide} px wide)`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('signs in and finds Domains in the navigation, with nothing on it yet', async () => {
    await page.goto('/signin');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Domains' }).click();
    await page.getByRole('heading', { level: 1, name: 'Domains' }).waitFor();
    await page.getByText('No custom domains yet.').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Domains' }).getAttribute('aria-current'), 'page');
  });

  it('adds a domain with the keyboard alone and shows it pending, with the steps to verify it', async () => {
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'hostname'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>('document.activeElement && document.activeElement.getAttribute("name") || ""');
    }
    assert.equal(focused, 'hostname', 'Tab reaches the hostname field');
    await page.keyboard.type(HOST);
    await page.keyboard.press('Tab');
    await page.keyboard.type('https://example.com/home');
    await page.keyboard.press('Enter');

    await card().waitFor();
    await page.getByRole('status').getByText(`${HOST} was added`).waitFor();
    const row = await domainRow();
    assert.equal(row?.status, 'pending');
    assert.equal(row?.root_redirect_url, 'https://example.com/home');
    assert.equal(row?.not_found_redirect_url, null);
    // The steps: the DNS record to add, the address the check fetches, and that it retries.
    const steps = card().locator('.setup');
    await steps.getByText('CNAME').waitFor();
    await steps.getByText(`http://${HOST}/.well-known/linktally/${row?.verification_token}`).waitFor();
    await steps.getByText(/checks again on its own/).waitFor();
    await card().getByRole('button', { name: 'Check now' }).waitFor();
    // The worker's first check fails (the name does not resolve); the page reads it again on its own.
    await card().getByText('Last check failed with').waitFor({ timeout: 20_000 });
    await card().getByText(/^Waiting for DNS/).waitFor();
    assert.equal((await domainRow())?.status, 'pending', 'a failed check with attempts left keeps the domain pending');
  });

  it('shows the server\'s words when a domain cannot be added', async () => {
    const form = page.getByRole('form', { name: 'Add a domain' });
    await form.getByLabel('Hostname').fill(HOST.toUpperCase());
    await form.getByRole('button', { name: 'Add domain' }).click();
    await form.getByRole('alert').getByText('Hostname has already been taken').waitFor();
    assert.equal(await page.getByRole('region', { name: HOST }).count(), 1);
  });

  it('keeps a pending domain out of the link form until it is verified', async () => {
    await show('/app/links/new');
    const select = domainSelect();
    await select.waitFor();
    assert.deepEqual(await select.locator('option').allTextContents(), [`Default domain (${new URL(stack.baseUrl).host})`]);
    await page.getByText(/appear here once active/).waitFor();
  });

  it('edits the redirects, and shows a refused one next to the form', async () => {
    await show('/app/domains');
    const form = page.getByRole('form', { name: `Redirects of ${HOST}` });
    await form.getByLabel('Root redirect URL').fill('javascript:alert(1)');
    await form.getByRole('button', { name: 'Save redirects' }).click();
    await form.getByRole('alert').waitFor();
    assert.equal((await domainRow())?.root_redirect_url, 'https://example.com/home', 'a refused change changes nothing');

    await form.getByLabel('Root redirect URL').fill('https://example.com/welcome');
    await form.getByLabel('Not-found redirect URL').fill('https://example.com/missing');
    await form.getByRole('button', { name: 'Save redirects' }).click();
    await form.getByText('Redirects saved.').waitFor();
    const row = await domainRow();
    assert.equal(row?.root_redirect_url, 'https://example.com/welcome');
    assert.equal(row?.not_found_redirect_url, 'https://example.com/missing');
    await page.reload();
    assert.equal(await page.getByRole('form', { name: `Redirects of ${HOST}` }).getByLabel('Not-found redirect URL').inputValue(), 'https://example.com/missing');
  });

  it('passes the accessibility check with a pending domain, at desktop and at phone width', async () => {
    await card().getByText('Last check failed with').waitFor();
    await assertAccessible(['/app/domains', '/app/links/new']);
  });

  it('verifies the domain on Check now once its name reaches this deployment', async () => {
    // What a DNS record pointing here would do: the worker's GET of the name lands on this stack.
    stack.services.config.domainVerifyResolve = new Map([[HOST, `127.0.0.1:${stack.web.port}`]]);
    await show('/app/domains');
    await card().getByRole('button', { name: 'Check now' }).click();
    await card().getByText('Active: serving links').waitFor({ timeout: 20_000 });
    assert.equal((await domainRow())?.status, 'active');
    assert.equal(await card().locator('.setup').count(), 0, 'an active domain needs no steps');
    assert.equal(await card().getByRole('button', { name: 'Check now' }).count(), 0);
  });

  it('puts a new link on the domain through the link form and shows its short URL on that host', async () => {
    await show('/app/links/new');
    await page.getByLabel('Destination URL').fill('https://example.com/promo');
    await page.getByLabel('Custom code').fill('promo');
    await domainSelect().selectOption(HOST);
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('heading', { name: '/promo' }).waitFor();
    await page.getByRole('link', { name: `http://${HOST}/promo` }).waitFor();
    await page.getByText(`Domain: ${HOST}`).waitFor();
    const link = await stack.services.db('links').where({ short_code: 'promo' }).first('domain_id');
    assert.equal(link?.domain_id, (await domainRow())?.id);
    await assertAccessible([new URL(page.url()).pathname, `${new URL(page.url()).pathname}/edit`, '/app/domains']);
  });

  it('refuses to delete the domain while the link lives on it, in the server\'s words', async () => {
    await show('/app/domains');
    page.once('dialog', (dialog) => void dialog.accept());
    await card().getByRole('button', { name: 'Delete' }).click();
    await card().getByRole('alert').getByText('Domain still has links, archived ones included: move them to another domain first').waitFor();
    assert.ok(await domainRow(), 'the domain is still there');
  });

  it('moves the link back to the default domain, then deletes the domain', async () => {
    // Links are archived, never deleted, and an archived link still holds its domain: moving it is how a domain is freed.
    const link = await stack.services.db('links').where({ short_code: 'promo' }).first('id');
    await show(`/app/links/${link?.id}/edit`);
    const select = domainSelect();
    assert.equal(await select.inputValue(), HOST, 'the form opens on the link\'s domain');
    await select.selectOption('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('link', { name: stack.url('/promo') }).waitFor();
    assert.equal(await page.getByText(`Domain: ${HOST}`).count(), 0);

    await show('/app/domains');
    let asked = '';
    page.once('dialog', (dialog) => { asked = dialog.message(); void dialog.accept(); });
    await card().getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No custom domains yet.').waitFor();
    assert.match(asked, new RegExp(`Remove ${HOST.replace(/\./g, '\\.')}\\?`));
    await waitFor(async () => ((await domainRow()) === undefined ? true : undefined), { what: 'the domain row gone' });
  });

  it('tells a person whose plan lacks domains which plans have them, and shows their link form no Domain select', async () => {
    await createUser(stack.services.db, 'free@example.com', 'free', { passwordHash: await hashPassword(PASSWORD, 10) });
    const context = await browser.newContext({ baseURL: stack.baseUrl });
    const tab = await context.newPage();
    await tab.goto('/signin');
    await tab.getByLabel('Email').fill('free@example.com');
    await tab.getByLabel('Password').fill(PASSWORD);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'Overview' }).waitFor();
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Domains' }).click();
    await tab.getByText('Custom domains are part of the Pro and Enterprise plans; you are on the Free plan.').waitFor();
    assert.equal(await tab.getByRole('form', { name: 'Add a domain' }).count(), 0);
    await tab.goto('/app/links/new');
    await tab.getByLabel('Destination URL').waitFor();
    await settled(tab);
    assert.equal(await tab.getByRole('combobox', { name: /^Domain\b/ }).count(), 0);
    await context.close();
  });
});
