import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUp } from '../helpers/sessions';
import { seriousViolations, useBrowserSuite } from './browser';

/** The pkglnk editor's sign-in in Chromium: signed out → the dashboard's sign-in → back → confirm → the editor's loopback listener. */
describe('the editor sign-in in a real browser', function () {
  this.timeout(60_000);
  const { stack, browser } = useBrowserSuite({ env: { SIGNUP: 'open' } }, { dashboard: true });
  let page: Page;

  before(async () => {
    page = await (await browser.newContext({ baseURL: stack.baseUrl })).newPage();
  });

  it('signs in, comes back to an accessible confirmation, and hands the editor a token on http://localhost:{port}/ only', async () => {
    const person = await signUp(stack);
    // The editor's listener, stood in for: the browser's request is answered here.
    let editorUrl = '';
    await page.route('http://localhost:54321/**', async (route) => {
      editorUrl = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Connected</title><h1>Connected!</h1>' });
    });

    await page.goto('/auth/unity-start?port=54321');
    await page.getByRole('heading', { name: 'Sign in to Linktally' }).waitFor();
    await page.getByLabel('Email').fill(person.user.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Sign in to the Unity editor?' }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Connected!' }).waitFor();

    const target = new URL(editorUrl);
    assert.equal(target.origin, 'http://localhost:54321');
    assert.equal(target.searchParams.get('username'), person.user.username);
    assert.match(target.searchParams.get('token') ?? '', /^pk_live_[A-Za-z0-9]{32}$/);
  });
});
