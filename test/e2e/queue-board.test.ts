import assert from 'node:assert/strict';
import { QUEUE_NAMES } from '../../src/queues/registry';
import { signUp } from '../helpers/sessions';
import { useBrowserSuite } from './browser';

/** The queue board (bull-board) as an administrator sees it in Chromium. */
describe('the queue board in a real browser', function () {
  this.timeout(60_000);
  const { stack, browser } = useBrowserSuite({ env: { SIGNUP: 'open' } });

  it('shows every queue to an administrator and makes no request to another host (bull-board links Google Fonts)', async () => {
    // The first account of a database is its administrator; other suites may have made that one.
    const admin = await signUp(stack);
    await stack.services.db('users').where({ id: admin.user.id }).update({ is_admin: true });
    const context = await browser.newContext({ baseURL: stack.baseUrl });
    const [name, value] = admin.cookie.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: stack.baseUrl }]);
    const page = await context.newPage();
    // Every request for another host must be refused by the page's policy before it is sent (this
    // machine has no route out, so without the policy it would fail too, but with a network error).
    const elsewhere: string[] = [];
    const refusedByPolicy: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith(stack.baseUrl)) elsewhere.push(request.url()); });
    page.on('requestfailed', (request) => { if (request.failure()?.errorText === 'csp') refusedByPolicy.push(request.url()); });

    const answer = await page.goto('/admin/queues');
    assert.equal(answer?.status(), 200);
    for (const queue of QUEUE_NAMES) await page.getByText(queue, { exact: true }).first().waitFor();

    assert.ok(elsewhere.some((url) => url.startsWith('https://fonts.googleapis.com/')), 'bull-board still links its fonts (else this test proves nothing)');
    assert.deepEqual(elsewhere.filter((url) => !refusedByPolicy.includes(url)), [], 'a request for another host left the page');
    await context.close();
  });
});
