import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { startPackageUpstream, type GitUpstream } from '../helpers/git-upstream';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startStack, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { buildDashboard, chartDrawn, launchChromium, openInApp, seriousViolations, settled } from './browser';

/**
 * The dashboard in Debian's Chromium against the real stack (web + workers, PostgreSQL, Redis,
 * a real git upstream and webhook receiver). One person's first session, step by step: each test
 * continues where the previous one left off, so the stack is not reset between them.
 */
describe('the dashboard in a real browser', function () {
  this.timeout(60_000);
  let stack: Stack;
  let upstream: GitUpstream;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let apiToken = '';
  let linkPath = '';
  const email = `person-${Date.now()}@example.com`;

  before(async function () {
    this.timeout(120_000);
    buildDashboard();
    upstream = await startPackageUpstream(['acme', 'tool']);
    receiver = await startReceiver();
    stack = await startStack({ workers: true, env: { GIT_UPSTREAM_GITHUB: upstream.baseUrl, WEBHOOK_ALLOW_PRIVATE: 'true', SIGNUP: 'open', TRUST_PROXY: '1' } });
    await stack.reset();
    // The import answers 202 at once, so the page shows the job's progress.
    setJobWaitBound(stack.services, 0);
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: stack.baseUrl, acceptDownloads: true });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    await upstream?.close();
    await receiver?.close();
  });

  /** Reloads until the text is on the page: rollups and counters land within a second or two. */
  async function reloadUntil(find: (p: Page) => Locator, what: string): Promise<void> {
    await waitFor(async () => {
      await page.reload();
      return find(page).first().waitFor({ timeout: 1500 }).then(() => true, () => false);
    }, { timeoutMs: 15_000, intervalMs: 200, what: `${what} on ${page.url()}` });
  }

  async function assertAccessible(): Promise<void> {
    // Every read has answered (the live stream never ends, so "network idle" is no signal).
    await settled(page);
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], `${page.url()} has accessibility violations`);
  }

  it('shows a signed-out visitor the sign-in page, and signs a new person up', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Linktally' }).waitFor();
    await assertAccessible();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText(email).waitFor();
  });

  it('says in words which plan a gated feature needs, instead of failing', async () => {
    await page.goto('/app/links/new');
    await page.getByText('Variants are part of the Pro and Enterprise plans; you are on the Free plan.').waitFor();
    await page.getByText(/^Targeting rules are part of the Pro and Enterprise plans/).waitFor();
    await page.getByText(/^Scheduling is part of the Pro and Enterprise plans/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add variant' }).count(), 0);
    await assertAccessible();
    await page.goto('/app/transfers');
    await page.getByText(/^Bulk import is part of the Enterprise plan;/).waitFor();
    await page.goto('/app/conversions');
    await page.getByText(/^Conversion tracking is part of the Pro and Enterprise plans/).waitFor();
    // Every feature of the plan by its name, the webhook sentence said once.
    await page.goto('/app/settings');
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.getByText('✓ API access').waitFor();
    await plan.getByText(/^✗ Custom domains are part of the .* plans?; you are on the Free plan\.$/).waitFor();
    assert.equal(await plan.getByText(/undefined/).count(), 0);
    assert.equal(await page.getByText(/^Webhooks are part of the Enterprise plan;.*Admin page\.$/).count(), 1);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('lets the first account, an admin, move itself to the Enterprise plan', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    // Each user's usage: links, packages, clicks, installs and today's API requests.
    await page.getByRole('columnheader', { name: 'API requests today' }).waitFor();
    await page.getByRole('columnheader', { name: 'Installs' }).waitFor();
    await assertAccessible();
    // The features below (variants, bulk import, webhooks) are Enterprise's.
    await page.getByLabel(`Plan of ${email}`).selectOption('enterprise');
    await waitFor(async () => (await stack.services.db('users').where({ email }).first())?.plan === 'enterprise', { what: 'the plan change' });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText(/You are on the Enterprise plan/).waitFor();
  });

  it('creates an API token that is shown once and listed by its prefix', async () => {
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByLabel('Token name').fill('deploys');
    await page.getByRole('button', { name: 'Create token' }).click();
    apiToken = (await page.getByLabel('New API token').textContent()) ?? '';
    assert.match(apiToken, /^pk_live_[A-Za-z0-9]{32}$/);
    await page.getByRole('cell', { name: 'deploys', exact: true }).waitFor();
    const links = await fetch(stack.url('/api/v1/links'), { headers: { Authorization: `Bearer ${apiToken}` } });
    assert.equal(links.status, 200, 'the token works against the API');
  });

  it('creates a link with two variants, a password and a social preview', async () => {
    await page.getByRole('link', { name: 'Links' }).click();
    await page.getByText('No links yet.').waitFor();
    await assertAccessible();
    await page.getByRole('link', { name: 'New link' }).first().click();
    await page.getByLabel('Destination URL').fill(stack.url('/healthz?to=main'));
    await page.getByLabel('Custom code').fill('spring-sale');
    await page.getByLabel('Title').fill('Spring sale');
    await page.getByLabel(/^Password/).fill('open sesame');
    await page.getByLabel('Preview headline').fill('Spring sale: 30% off');
    await page.getByLabel('Preview image URL').fill('https://cdn.example.com/spring.png');
    await page.getByRole('button', { name: 'Add variant' }).click();
    await page.getByRole('button', { name: 'Add variant' }).click();
    await page.getByLabel('Variant 1 destination').fill(stack.url('/healthz?to=a'));
    await page.getByLabel('Variant 2 destination').fill(stack.url('/healthz?to=b'));
    await page.getByLabel('Variant 2 weight').fill('150');
    await page.getByRole('cell', { name: '75%' }).waitFor(); // the live traffic share of 150 against 50
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 1 name').fill('Phones');
    await page.getByLabel('Rule 1 destination').fill(stack.url('/healthz?to=phones'));
    await page.getByRole('checkbox', { name: 'mobile' }).check();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 2 name').fill('Germany');
    await page.getByLabel('Rule 2 destination').fill(stack.url('/healthz?to=de'));
    await page.getByLabel('Rule 2 countries').fill('de, at');
    await page.getByRole('button', { name: 'Move rule 2 up' }).click();
    assert.equal(await page.getByLabel('Rule 1 name').inputValue(), 'Germany', 'the rules were reordered');
    await assertAccessible();
    // A rule with no condition is refused before anything is written.
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByText('Rule 3 needs at least one condition').waitFor();
    assert.equal(await stack.services.db('links').where({ short_code: 'spring-sale' }).count<{ count: string }[]>('* as count').then((r) => Number(r[0]?.count)), 0);
    await page.getByRole('button', { name: 'Remove rule 3' }).click();
    // The server refuses the first variant once: the link exists, the form says so and goes on editing it.
    await page.route('**/api/v1/links/*/variants', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ success: false, error: 'Service temporarily unavailable', errors: [] }) }), { times: 1 });
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByText('The link /spring-sale was created, but adding variant 1 failed: Service temporarily unavailable').waitFor();
    await page.getByRole('heading', { name: 'Edit /spring-sale' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/app\/links\/\d+\/edit$/);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: '/spring-sale', exact: true }).waitFor();
    const links = await stack.services.db('links').where({ short_code: 'spring-sale' }).select('id');
    assert.equal(links.length, 1, 'the retry did not create a second link');
    const variantRows = await stack.services.db('link_variants').select('link_id', 'name');
    assert.equal(variantRows.filter((v: { link_id: unknown }) => String(v.link_id) === String(links[0]?.id)).length, 2, JSON.stringify(variantRows));
    assert.deepEqual((await stack.services.db('link_rules').where({ link_id: links[0]?.id }).orderBy('position').select('name')).map((r: { name: string }) => r.name), ['Germany', 'Phones']);
    await page.getByText('password protected').waitFor();
    await page.getByRole('cell', { name: 'Variant A' }).waitFor();
    await page.getByRole('img', { name: 'QR code for /spring-sale' }).waitFor();
    linkPath = new URL(page.url()).pathname;
    const saved = await stack.services.db('links').where({ short_code: 'spring-sale' }).first('preview_title', 'preview_image_url');
    assert.deepEqual(saved, { preview_title: 'Spring sale: 30% off', preview_image_url: 'https://cdn.example.com/spring.png' });
  });

  it('sends a rule to a set of the link\'s variants, and takes a removed variant out of the set before deleting it', async () => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit /spring-sale' }).waitFor();
    await page.getByRole('group', { name: 'Rule 2 sends to' }).getByRole('radio', { name: 'a choice among variants' }).check();
    const set = page.getByRole('group', { name: 'Rule 2 variants' });
    await set.getByRole('checkbox', { name: 'Variant A' }).check();
    await set.getByRole('checkbox', { name: 'Variant B' }).check();
    await assertAccessible();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: '/spring-sale', exact: true }).waitFor();
    const [link] = await stack.services.db('links').where({ short_code: 'spring-sale' }).select('id');
    const setOf = async () => (await stack.services.db('link_rules as r').leftJoin('link_rule_variants as s', 's.rule_id', 'r.id').leftJoin('link_variants as v', 'v.id', 's.variant_id')
      .where('r.link_id', link?.id).andWhere('r.position', 1).orderBy('v.name').select('r.destination_url', 'v.name')).map((row: { destination_url: string | null; name: string | null }) => [row.destination_url, row.name]);
    assert.deepEqual(await setOf(), [[null, 'Variant A'], [null, 'Variant B']]);

    // Removing Variant B in the form takes it out of the rule's set; the rules are saved before the variant is deleted.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit /spring-sale' }).waitFor();
    await page.getByRole('button', { name: 'Remove variant 2' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: '/spring-sale', exact: true }).waitFor();
    assert.deepEqual(await setOf(), [[null, 'Variant A']]);
    assert.deepEqual((await stack.services.db('link_variants').where({ link_id: link?.id }).select('name')).map((v: { name: string }) => v.name), ['Variant A']);

    // The QR panel's colours are drawn into the code; a pale code is warned about before it is printed.
    // The page's CSP keeps blob: URLs from being fetched back, so the image is read as it arrives.
    const tintedQr = '**/api/v1/links/*/qr?*fg=1d4ed8*';
    let tinted: Promise<string> | undefined;
    await page.route(tintedQr, async (route) => {
      const response = await route.fetch();
      tinted = response.text();
      await route.fulfill({ response });
    });
    const answered = page.waitForResponse((r) => r.url().includes('fg=1d4ed8'));
    await page.getByLabel('Code colour').fill('#1d4ed8');
    await answered;
    assert.match(await (tinted ?? Promise.resolve('')), /#1d4ed8/i);
    await page.unroute(tintedQr);
    await page.getByLabel('Code colour').fill('#c0c0c0');
    await page.getByRole('status').filter({ hasText: 'Low contrast (1.8:1)' }).waitFor();
    await page.getByRole('button', { name: 'Black on white' }).click();
    await page.getByText('Low contrast').waitFor({ state: 'detached' });

    // The QR panel takes the account's centre logo and draws the code with it.
    await page.getByLabel('Add a centre logo').setInputFiles({ name: 'logo.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(__dirname, '..', 'fixtures', 'logo-16x16.jpg')) });
    await page.getByRole('checkbox', { name: 'With my logo', checked: true }).waitFor();
    await page.getByRole('img', { name: 'QR code for /spring-sale' }).waitFor();
    assert.deepEqual(await stack.services.db('qr_logos').select('content_type', 'width'), [{ content_type: 'image/jpeg', width: 16 }]);
    await assertAccessible();
  });

  it('counts a click made from another browser, live and then in the chart', async () => {
    await page.getByText('0 clicks in all').waitFor();
    await chartDrawn(page);
    // A person's browser: headless Chromium's own user agent is (rightly) counted as a bot.
    // From a British address, as the proxy in front (TRUST_PROXY=1) reports it.
    const visitor = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36', extraHTTPHeaders: { 'X-Forwarded-For': '81.2.69.160' } });
    const tab = await visitor.newPage();
    await tab.goto(stack.url('/spring-sale'));
    await tab.getByLabel(/password/i).fill('open sesame');
    await Promise.all([tab.waitForURL(/healthz\?to=/), tab.getByRole('button').first().click()]);
    await visitor.close();
    // Server-sent events: no reload needed for the count.
    await page.getByText('1 new while you watched').waitFor({ timeout: 5000 });
    await page.getByText('1 clicks in all').waitFor();
    // The chart and stats read the rollups, which follow within about a second.
    await reloadUntil((p) => p.getByRole('img', { name: /^Clicks per day, .*: 1 in all$/ }), 'the click in the chart');
    await page.getByRole('heading', { name: 'Clicks', exact: true }).locator('..').getByText('1', { exact: true }).waitFor();
    // The country by its name (with a flag and a code badge beside it), in the breakdown and the recent clicks.
    await page.getByRole('button', { name: /^United Kingdom 1 clicks, filter by this$/ }).waitFor();
    await page.getByRole('cell', { name: 'United Kingdom' }).waitFor();
    // The visit came with no referrer: the card says so, not that there were no clicks.
    await page.getByText('The clicks in this period came with no referrer (typed, bookmarked or from an app).').waitFor();
    assert.equal(await page.getByText('No clicks in this period.').count(), 0);
    // Per-link: scans against clicks, clicks by targeting rule, and the bots left out.
    await page.getByRole('row', { name: 'Link clicks 1' }).waitFor();
    await page.getByRole('row', { name: 'QR code scans 0' }).waitFor();
    await page.getByRole('row', { name: 'No rule matched (the usual destination) 1' }).waitFor();
    await page.getByText('No bot clicks in this period.').waitFor();
    await assertAccessible();
  });

  it('filters the overview by clicking a breakdown row, and keeps the filter in the URL', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: /^\/spring-sale · Spring sale 1 clicks, filter by this$/ }).click();
    await page.waitForURL(/link_id=\d+/);
    await page.getByRole('button', { name: /remove filter/ }).first().waitFor();
    await page.getByRole('combobox', { name: 'Period' }).selectOption('7d');
    await page.waitForURL(/period=7d/);
    await assertAccessible();
    // "24 h" is the rolling last 24 hours by the hour, not two UTC days: the click is in it.
    await page.getByRole('combobox', { name: 'Period' }).selectOption({ label: 'Last 24 hours' });
    await page.waitForURL(/period=24h/);
    await page.getByRole('img', { name: 'Clicks per hour, the last 24 hours, against the 24 before: 1 in all' }).waitFor();
  });

  it('imports a CSV with a progress bar and the failed rows, then exports the links', async () => {
    await page.goto('/app/transfers');
    const csv = 'destination_url,short_code,title\nhttps://example.com/a,imported-a,First\nnot a url,imported-b,Second\nhttps://example.com/c,,Third\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'links.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported 2 of 3 rows; 1 failed.').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('progressbar', { name: 'Rows imported' }).getAttribute('value'), '3');
    await page.getByRole('cell', { name: /Destination url/ }).waitFor();
    await assertAccessible();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export links (CSV)' }).click()]);
    assert.match(download.suggestedFilename(), /^pvtlnk-links-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    assert.match(readFileSync(file, 'utf8'), /imported-a/);
  });

  it('creates a package from a git URL and shows a real clone through the git proxy in its chart', async () => {
    await page.goto('/app/packages');
    await page.getByText('No packages yet.').waitFor();
    await page.getByRole('button', { name: 'New package' }).click();
    await page.getByLabel('Git URL').fill('https://github.com/acme/tool.git');
    await page.getByLabel('Display name').fill('Acme Tool');
    await page.getByRole('button', { name: 'Create package' }).click();
    await page.getByRole('heading', { name: 'Acme Tool' }).waitFor();
    const installUrl = (await page.locator('.card code').first().textContent()) ?? '';
    assert.match(installUrl, /\.git/);
    const scratch = mkdtempSync(join(tmpdir(), 'lt-e2e-clone-'));
    try {
      await new Promise<void>((resolve, reject) => execFile('git', ['clone', '-q', installUrl, join(scratch, 'c')], (err, _o, stderr) => (err ? reject(new Error(stderr)) : resolve())));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    await reloadUntil((p) => p.getByRole('img', { name: 'Installs per day, last 30 days: 1 in all' }), 'the clone in the chart');
    // A clone with no install id (no install-start) counts as a direct install.
    const sources = page.getByRole('heading', { name: 'Install sources' }).locator('..');
    await sources.getByRole('button', { name: /^direct 1 installs$/ }).waitFor();
    await assertAccessible();
  });

  it('configures a webhook and shows its delivery in the log', async () => {
    await page.goto('/app/settings');
    await page.getByLabel('Webhook URL').fill(receiver.url);
    await page.getByLabel('Webhook secret').fill('a-long-webhook-secret-value');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.getByRole('button', { name: 'Send test delivery' }).click();
    await page.getByText('Test delivery queued.').waitFor();
    await waitFor(() => receiver.received.length > 0, { what: 'the test delivery to arrive' });
    await reloadUntil((p) => p.getByRole('cell', { name: '200', exact: true }), 'the delivery with its response code');
    await page.getByRole('button', { name: /^Redeliver / }).first().click();
    await waitFor(() => receiver.received.length > 1, { what: 'the redelivery to arrive' });
    await assertAccessible();
  });

  it('creates a conversion goal, shows its token once, and edits its name, value and currency', async () => {
    await page.goto('/app/conversions');
    await page.getByText('No goals yet.').waitFor();
    const create = page.getByRole('form', { name: 'New goal' });
    await create.getByLabel('Goal name').fill('Purchase');
    await create.getByLabel('Default value').fill('10');
    await create.getByRole('button', { name: 'Create goal' }).click();
    assert.match((await page.getByLabel('Postback token', { exact: true }).textContent()) ?? '', /^pt_[A-Za-z0-9]{32}$/);
    await page.getByRole('cell', { name: '10 USD' }).waitFor();
    await page.getByRole('button', { name: 'Edit Purchase' }).click();
    const edit = page.getByRole('form', { name: 'Edit goal Purchase' });
    await edit.getByLabel('Goal name').fill('Annual plan');
    await edit.getByLabel('Default value').fill('49.9');
    await edit.getByLabel('Currency').fill('eur');
    await edit.getByRole('button', { name: 'Save goal' }).click();
    await page.getByRole('cell', { name: 'Annual plan', exact: true }).waitFor();
    await page.getByRole('cell', { name: '49.9 EUR' }).waitFor();
    const saved = await stack.services.db('conversion_goals').where({ name: 'Annual plan' }).first();
    assert.equal(saved?.currency, 'EUR');
    await page.getByRole('button', { name: 'Deactivate Annual plan' }).click();
    await page.getByRole('cell', { name: 'Inactive' }).waitFor();
    await assertAccessible();
  });

  it('adds a link and a package to a collection, and removes each again', async () => {
    await page.goto('/app/collections');
    await page.getByLabel('Collection name').fill('Launch');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: 'Launch', level: 1 }).waitFor();
    const links = page.getByRole('region', { name: 'Links' });
    const packages = page.getByRole('region', { name: 'Packages' });
    await links.getByLabel('Add a link').selectOption({ label: '/spring-sale' });
    await links.getByRole('button', { name: 'Add link' }).click();
    await links.getByRole('link', { name: '/spring-sale' }).waitFor();
    // Combined stats of the collection: its link's click, from the range analytics narrowed to it.
    const combined = page.getByRole('region', { name: 'Combined stats' });
    await combined.getByRole('button', { name: /^\/spring-sale · Spring sale 1 clicks/ }).waitFor();
    await combined.getByRole('heading', { name: 'Installs' }).waitFor();
    await packages.getByLabel('Add a package').selectOption({ label: 'Acme Tool' });
    await packages.getByRole('button', { name: 'Add package' }).click();
    await packages.getByRole('link', { name: 'Acme Tool' }).waitFor();
    await assertAccessible();
    await links.getByRole('button', { name: 'Remove /spring-sale from the collection' }).click();
    await links.getByText('No links in this collection.').waitFor();
    await packages.getByRole('button', { name: /^Remove .* from the collection$/ }).click();
    await packages.getByText('No packages in this collection.').waitFor();
    const link = await stack.services.db('links').where({ short_code: 'spring-sale' }).first();
    assert.equal(link?.collection_id, null, 'the link left the collection and still exists');
  });

  it('shows a new click on the live page within two seconds', async () => {
    await page.goto('/app/live');
    await page.getByText(/^Connected/).waitFor();
    const visitor = await browser.newContext({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15' });
    const tab = await visitor.newPage();
    const started = Date.now();
    await tab.goto(stack.url('/imported-a'), { waitUntil: 'commit' }).catch(() => undefined); // the destination (example.com) need not load
    await page.getByRole('list', { name: 'Latest events' }).getByText(/^.*Click on link #/).first().waitFor({ timeout: 2000 });
    assert.ok(Date.now() - started < 2000 + 1000, 'the click arrived within two seconds');
    await visitor.close();
    // The event leads to the link it names, whose page shows its short code.
    const imported = await stack.services.db('links').where({ short_code: 'imported-a' }).first();
    const linkToIt = page.getByRole('list', { name: 'Latest events' }).getByRole('link', { name: `link #${imported?.id}` }).first();
    assert.equal(await linkToIt.getAttribute('href'), `/app/links/${imported?.id}`);
    await linkToIt.click();
    await page.getByRole('heading', { name: '/imported-a' }).waitFor();
  });

  it('closes a breakdown with the clicks its rows leave out, so the bars add up to the total', async () => {
    // /imported-a has one click with no country and no referrer (above); this one has both.
    const visitor = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36', extraHTTPHeaders: { 'X-Forwarded-For': '81.2.69.160' } });
    await (await visitor.newPage()).goto(stack.url('/imported-a'), { waitUntil: 'commit', referer: 'https://news.example.org/story' }).catch(() => undefined);
    await visitor.close();
    const card = (title: string) => page.locator('.breakdown', { has: page.getByRole('heading', { name: title, exact: true }) });
    await reloadUntil(() => card('Referrers').getByText('news.example.org'), 'the second click in the breakdowns');
    const rows = async (title: string, which = '.row') => (await card(title).locator(which).allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    assert.deepEqual(await rows('Countries'), ['🇬🇧 GB United Kingdom 1 clicks, filter by this', 'Other or not known 1 clicks']);
    assert.deepEqual(await rows('Referrers', '.row.rest'), ['No referrer, or another 1 clicks']);
    // Every click's browser is known: no such row.
    assert.equal(await card('Browsers').locator('.row.rest').count(), 0);
    await assertAccessible();
  });

  it('creates a link with the keyboard alone, submitting with Enter', async () => {
    await page.goto('/app/links');
    await page.getByRole('heading', { name: 'Links' }).waitFor();
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'New link'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>('(document.activeElement && document.activeElement.textContent || "").trim()');
    }
    assert.equal(focused, 'New link', 'Tab reaches the New link button');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New link' }).waitFor();
    await page.getByLabel('Destination URL').waitFor();
    for (let i = 0; i < 10 && focused !== 'destination_url'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>('document.activeElement && document.activeElement.getAttribute("name") || ""');
    }
    assert.equal(focused, 'destination_url', 'Tab reaches the destination field');
    await page.keyboard.type(stack.url('/healthz?to=keyboard'));
    await page.keyboard.press('Tab');
    await page.keyboard.type('by-keyboard');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '/by-keyboard' }).waitFor();
  });

  it('passes the accessibility check on every page, at desktop and at phone width', async () => {
    const pkg = await stack.services.db('packages').first('slug');
    const collection = await stack.services.db('collections').first('slug');
    const paths = ['/', '/app/links', '/app/links/new', linkPath, `${linkPath}/edit`, '/app/live', '/app/conversions', '/app/packages', `/app/packages/${pkg?.slug}`,
      '/app/collections', `/app/collections/${collection?.slug}`, '/app/transfers', '/app/settings', '/app/admin'];
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(paths[0] ?? '/');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await assertAccessible();
      for (const path of paths.slice(1)) {
        await openInApp(page, path);
        await assertAccessible();
      }
    }
    await page.goto('/app/links');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const width = await page.evaluate<number>(`document.documentElement.scrollWidth`);
    assert.ok(width <= 375, `no sideways scrolling at phone width (page is ${width}px wide)`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('changes the password, signs out, lets an invited person sign up, and signs in with the new password', async () => {
    await page.goto('/app/settings');
    await page.getByLabel('Current password').fill('correct horse battery');
    await page.getByLabel('New password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/^Password changed/).waitFor();
    await page.goto('/app/admin');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const inviteUrl = ((await page.locator('.notice code').textContent()) ?? '').trim();
    assert.match(inviteUrl, /\/invite\//);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Linktally' }).waitFor();
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 800 });
      await assertAccessible();
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    const invited = await browser.newContext({ baseURL: stack.baseUrl });
    const tab = await invited.newPage();
    await tab.goto(inviteUrl);
    await tab.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await tab.getByLabel('Email').fill(`invited-${email}`);
    await tab.getByLabel('Password').fill('invited person password');
    await tab.getByRole('button', { name: 'Create account' }).click();
    await tab.getByRole('heading', { name: 'Overview' }).waitFor();
    await tab.getByText(`invited-${email}`).waitFor();
    await invited.close();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('offers no sign-up when SIGNUP=closed, and explains invites when SIGNUP=invite', async () => {
    // The server's mode is fixed per process (its answer is tested in test/integration); here the
    // sign-in page is shown each answer of GET /api/v1/auth/options.
    const visitor = await browser.newContext({ baseURL: stack.baseUrl });
    const tab = await visitor.newPage();
    for (const mode of ['closed', 'invite'] as const) {
      await tab.route('**/api/v1/auth/options', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ success: true, signup: mode, needs_first_user: false }) }));
      await tab.goto('/signin');
      await tab.getByRole('heading', { name: 'Sign in to Linktally' }).waitFor();
      await tab.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.equal(await tab.getByRole('link', { name: 'Create an account' }).count(), 0, `no sign-up link with SIGNUP=${mode}`);
      if (mode === 'invite') await tab.getByText(/New accounts on this server are by invitation/).waitFor();
      else assert.equal(await tab.getByText(/by invitation/).count(), 0);
      await tab.unroute('**/api/v1/auth/options');
    }
    await visitor.close();
  });

  it('serves hashed assets with a year-long cache and the pages uncached', async () => {
    const index = await fetch(stack.url('/app/links'));
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const asset = /\/assets\/[^"]+\.js/.exec(await index.text())?.[0];
    assert.ok(asset, 'index.html names a hashed script');
    const js = await fetch(stack.url(asset));
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /max-age=31536000.*immutable|immutable.*max-age=31536000/);
    assert.equal((await fetch(stack.url('/assets/missing-0000.js'))).status, 404);
  });
});
