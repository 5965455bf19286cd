import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { seedPublicPackage } from '../helpers/public-packages';
import { seriousViolations, useBrowserSuite } from './browser';

const HOSTILE_README = [
  '# Acme Tool',
  '',
  '<script>window.__pwned = "script"</script>',
  '',
  '<img src="x" onerror="window.__pwned = \'onerror\'">',
  '',
  '[click me](javascript:window.__pwned=\'link\')',
  '',
  '<a href="javascript:alert(1)" onclick="window.__pwned=\'click\'">raw link</a>',
  '',
  '![logo](docs/logo.png) and [the docs](docs/guide.md).',
].join('\n');

/** The package page in Debian's Chromium: what a visitor sees, reads with a screen reader and cannot be attacked through. */
describe('the package page in a real browser', function () {
  this.timeout(60_000);
  const { stack, browser } = useBrowserSuite({}, {
    seed: async (started) => { await seedPublicPackage(started.services, { slug: 'acme-tool', readme: HOSTILE_README }); },
  });

  async function open(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: { width, height } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    const page = await context.newPage();
    await page.goto('/pkg/acme-tool');
    return page;
  }

  for (const [name, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]] as const) {
    it(`renders with no serious accessibility violation on a ${name}`, async () => {
      const page = await open(width, height);
      await page.locator('#pkg-title').getByText('Acme Tool').waitFor();
      assert.deepEqual(await seriousViolations(page), []);
      await page.context().close();
    });
  }

  it('labels the install chart with dates a person can read, at phone width too', async () => {
    for (const width of [1280, 375]) {
      const page = await open(width, 800);
      // The rendered height, not the declared font size: text that scales with an SVG shrinks with it.
      const dates = page.locator('.chart').getByText(/^\d{4}-\d{2}-\d{2}$/);
      assert.equal(await dates.count(), 2);
      for (const date of await dates.all()) {
        const box = await date.boundingBox();
        assert.ok(box && box.height >= 11, `${width} px wide: a date ${box?.height} px high`);
      }
      await page.context().close();
    }
  });

  it('copies the install URL with a labelled button', async () => {
    const page = await open(1280, 900);
    const field = page.getByRole('textbox', { name: 'Install URL' });
    const url = await field.inputValue();
    assert.equal(url, `${stack.baseUrl}/acme-tool.git?path=Packages/com.acme.tool#v1.0.0`);
    await page.getByRole('button', { name: 'Copy install url' }).click();
    await page.locator('#install-url-status').getByText('Copied').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), url);
    await page.context().close();
  });

  it('shows a hostile README inert: no script runs, no handler or javascript: link survives, relative links point at the repository', async () => {
    const page = await open(1280, 900);
    const readme = page.locator('.readme');
    await readme.getByRole('heading', { name: 'Acme Tool' }).waitFor();
    await readme.getByText('click me').click();
    await readme.getByText('raw link').count();
    assert.equal(await page.evaluate('window.__pwned === undefined'), true);
    assert.equal(await page.locator('.readme script').count(), 0);
    assert.equal(await page.locator('.readme [onerror], .readme [onclick]').count(), 0);
    assert.equal(await page.locator('.readme a[href^="javascript:"]').count(), 0);
    assert.equal(await readme.getByRole('link', { name: 'the docs' }).getAttribute('href'), 'https://github.com/acme/tool/blob/v1.0.0/Packages/com.acme.tool/docs/guide.md');
    assert.equal(await readme.getByRole('img', { name: 'logo' }).getAttribute('src'), 'https://raw.githubusercontent.com/acme/tool/v1.0.0/Packages/com.acme.tool/docs/logo.png');
    await page.context().close();
  });
});
