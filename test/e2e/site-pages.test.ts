import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addCollectionPackage, insertCollection } from '../../src/db/collection-store';
import { createUser } from '../../src/db/user-store';
import { seedPublicPackage } from '../helpers/public-packages';
import type { Stack } from '../helpers/stack';
import { seriousViolations, useBrowserSuite } from './browser';

/** The directory, a collection and a user's page in Debian's Chromium: they render, read well with assistive tech, and search works from the keyboard. */
describe('the directory, collection and user pages in a real browser', function () {
  this.timeout(60_000);
  const { stack, browser } = useBrowserSuite({}, { seed });

  async function seed(started: Stack): Promise<void> {
    const { id: userId } = await createUser(started.services.db, 'ada@example.com', 'free', { username: 'ada' });
    const locator = await seedPublicPackage(started.services, { slug: 'service-locator', display_name: 'Service Locator', description: 'Find services', topics: ['di'], total_installs: 900, userId });
    const saves = await seedPublicPackage(started.services, { slug: 'save-system', display_name: 'Save System', description: 'Save games', topics: ['saving'], total_installs: 40, userId });
    await seedPublicPackage(started.services, { slug: 'private-tool', display_name: 'Private Tool', is_private: true, userId });
    for (let i = 0; i < 22; i++) await seedPublicPackage(started.services, { slug: `filler-${i}`, display_name: `Filler ${i}`, total_installs: 10 });
    const collection = await insertCollection(started.services.db, userId, { slug: 'ada-picks', name: 'Ada picks', description: 'The best tools', tags: ['favourites'], is_public: true });
    await addCollectionPackage(started.services.db, collection.id, locator);
    await addCollectionPackage(started.services.db, collection.id, saves);
  }

  async function open(path: string, width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: { width, height } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    const page = await context.newPage();
    const res = await page.goto(path);
    assert.equal(res?.status(), 200);
    return page;
  }

  const PAGES = [
    ['/directory', 'Package directory'],
    ['/directory?topic=di&sort=recent', 'Packages about di'],
    ['/collections/ada-picks', 'Ada picks'],
    ['/u/ada', 'ada'],
  ] as const;
  for (const [name, width, height] of [['desktop', 1280, 900], ['375 px phone', 375, 812]] as const) {
    for (const [path, heading] of PAGES) {
      it(`renders ${path} with no serious accessibility violation on a ${name}`, async () => {
        const page = await open(path, width, height);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        assert.deepEqual(await seriousViolations(page), []);
        // Nothing wider than the screen: the page reflows rather than scrolling sideways.
        assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
        assert.equal(await page.getByText('Private Tool').count(), 0);
        await page.context().close();
      });
    }
  }

  it('searches from the keyboard alone and follows a result to its package page', async () => {
    const page = await open('/directory', 1280, 900);
    const field = page.getByRole('searchbox', { name: 'Search packages' });
    for (let i = 0; i < 10 && !(await field.evaluate((el) => el === el.ownerDocument.activeElement)); i++) await page.keyboard.press('Tab');
    assert.equal(await field.evaluate((el) => el === el.ownerDocument.activeElement), true, 'the search field is reachable by Tab');
    await page.keyboard.type('serv loc');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/directory\?q=serv\+loc$/);
    await page.getByRole('status').getByText('1 package matches “serv loc”').waitFor();
    const result = page.getByRole('link', { name: 'Service Locator' });
    assert.equal(await page.getByRole('link', { name: 'Save System' }).count(), 0);
    await result.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/pkg\/service-locator$/);
    await page.locator('#pkg-title').getByText('Service Locator').waitFor();
    await page.context().close();
  });

  it('pages through the directory with its next and previous links', async () => {
    const page = await open('/directory', 1280, 900);
    await page.getByRole('link', { name: 'Next page →' }).click();
    await page.waitForURL(/\/directory\?page=2$/);
    await page.getByText('page 2 of 2').waitFor();
    await page.getByRole('link', { name: '← Previous page' }).click();
    await page.waitForURL(/\/directory$/);
    await page.context().close();
  });

  it('copies a collection package install URL with its labelled button', async () => {
    const page = await open('/collections/ada-picks', 1280, 900);
    const field = page.getByRole('textbox', { name: 'Install URL of Save System' });
    const url = await field.inputValue();
    assert.equal(url, `${stack.baseUrl}/save-system.git?path=Packages/com.acme.tool#v1.0.0`);
    await page.getByRole('button', { name: 'Copy install url of save system' }).click();
    await page.locator('#install-1-status').getByText('Copied').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), url);
    await page.context().close();
  });
});
