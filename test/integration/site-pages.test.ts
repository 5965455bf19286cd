import assert from 'node:assert/strict';
import { addCollectionPackage, insertCollection } from '../../src/db/collection-store';
import { createUser } from '../../src/db/user-store';
import { seedPublicPackage } from '../helpers/public-packages';
import { useStack } from '../helpers/use-stack';

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const METRICS_TOKEN = 'metrics-token-0123456789';

/** The titles of the packages a page lists, in order (each links to its /pkg page). */
function listed(text: string): string[] {
  return [...text.matchAll(/<h[23]><a href="\/pkg\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1] as string));
}

describe('the directory, collection and user pages', function () {
  this.timeout(30_000);
  // Pages are cached per process for a minute; these tests change the data between requests.
  const { stack } = useStack({ web: { sitePageTtlMs: 0 }, env: { METRICS_TOKEN } });

  async function owner(username: string): Promise<number> {
    return (await createUser(stack.services.db, `${username}@example.com`, 'free', { username })).id;
  }

  it('lists public, listed packages with their installs, linked to their pages; nothing private or unlisted', async () => {
    await seedPublicPackage(stack.services, { slug: 'alpha-tool', display_name: 'Alpha <b>Tool</b>', description: 'Alpha & "omega"', total_installs: 1500 });
    await seedPublicPackage(stack.services, { slug: 'secret-tool', display_name: 'Secret Thing', description: 'Hidden stuff', is_private: true, total_installs: 9999 });
    await seedPublicPackage(stack.services, { slug: 'unlisted-tool', display_name: 'Unlisted Thing', is_listed: false });
    const page = await get(stack.url('/directory'));
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('cache-control') ?? '', /public, max-age=60/);
    assert.deepEqual(listed(page.text), ['alpha-tool']);
    assert.ok(page.text.includes('Alpha &lt;b&gt;Tool&lt;/b&gt;') && !page.text.includes('<b>Tool</b>'));
    assert.ok(page.text.includes('Alpha &amp; &quot;omega&quot;'));
    assert.ok(page.text.includes('1,500 installs'));
    assert.ok(page.text.includes('<title>Package directory · Unity packages</title>'));
    assert.ok(page.text.includes(`<link rel="canonical" href="${stack.baseUrl}/directory">`));
    assert.ok(page.text.includes('<meta name="description" content="Public Unity packages'));
    assert.ok(!page.text.includes('noindex'));
    for (const hidden of ['Secret', 'secret-tool', 'Hidden', 'Unlisted']) assert.ok(!page.text.includes(hidden), hidden);
  });

  it('searches with q, filters by topic and sorts by installs or recency', async () => {
    await seedPublicPackage(stack.services, { slug: 'old-popular', display_name: 'Service Locator', topics: ['di'], total_installs: 900 });
    await seedPublicPackage(stack.services, { slug: 'new-quiet', display_name: 'Save System', topics: ['saving', 'di'], total_installs: 3 });
    await seedPublicPackage(stack.services, { slug: 'ui-kit', display_name: 'UI Kit', topics: ['ui'], total_installs: 50 });
    assert.deepEqual(listed((await get(stack.url('/directory'))).text), ['old-popular', 'ui-kit', 'new-quiet']);
    assert.deepEqual(listed((await get(stack.url('/directory?sort=recent'))).text), ['ui-kit', 'new-quiet', 'old-popular']);
    const search = await get(stack.url('/directory?q=serv%20loc'));
    assert.deepEqual(listed(search.text), ['old-popular']);
    assert.ok(search.text.includes('value="serv loc"'));
    assert.ok(search.text.includes('noindex'), 'search results are kept out of indexes');
    const topic = await get(stack.url('/directory?topic=DI'));
    assert.deepEqual(listed(topic.text), ['old-popular', 'new-quiet']);
    assert.ok(topic.text.includes(`<link rel="canonical" href="${stack.baseUrl}/directory?topic=di">`));
    assert.ok(topic.text.includes('href="/directory?topic=saving"'));
    assert.deepEqual(listed((await get(stack.url('/directory?q=%22%3Cscript%3E'))).text), []);
    const hostile = await get(stack.url('/directory?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E'));
    assert.equal(hostile.status, 200);
    assert.ok(!hostile.text.includes('<script>alert') && hostile.text.includes('&lt;script&gt;alert(1)'));
  });

  it('pages with previous and next links, and an empty page past the end', async () => {
    for (let i = 0; i < 23; i++) await seedPublicPackage(stack.services, { slug: `pkg-${String(i).padStart(2, '0')}`, total_installs: 100 - i });
    const first = await get(stack.url('/directory'));
    assert.equal(listed(first.text).length, 20);
    assert.ok(first.text.includes('href="/directory?page=2" rel="next"'));
    assert.ok(!first.text.includes('rel="prev"'));
    const second = await get(stack.url('/directory?page=2&sort=installs'));
    assert.deepEqual(listed(second.text), ['pkg-20', 'pkg-21', 'pkg-22']);
    assert.ok(second.text.includes('href="/directory" rel="prev"') && !second.text.includes('rel="next"'));
    assert.ok(second.text.includes(`<link rel="canonical" href="${stack.baseUrl}/directory?page=2">`));
    const past = await get(stack.url('/directory?page=9'));
    assert.equal(past.status, 200);
    assert.deepEqual(listed(past.text), []);
    assert.ok(past.text.includes('There are no packages on this page.') && past.text.includes('href="/directory?page=2" rel="prev"'));
  });

  it('answers unreadable query values with a 400 page saying what was wrong, never a 500', async () => {
    const PAGE = /Page must be a whole number from 1 to 100000/;
    const bad: Array<[string, RegExp]> = [
      ['page=0', PAGE], ['page=abc', PAGE], ['page=1e3', PAGE], ['page=100001', PAGE], ['sort=stars', /Sort must be installs or recent/],
      ['q=' + 'a'.repeat(201), /Q is too long/], ['topic=' + 't'.repeat(51), /Topic is too long/], ['q=%00', /control characters/], ['topic=%0A', /control characters/],
    ];
    for (const [query, message] of bad) {
      const res = await get(stack.url(`/directory?${query}`));
      assert.equal(res.status, 400, query);
      assert.match(res.text, message, query);
      assert.ok(res.text.includes('noindex'), query);
    }
    // Unknown parameters and a page size are ignored; a repeated one takes its last value.
    assert.equal((await get(stack.url('/directory?limit=1000&foo=bar&page=1&page=2'))).status, 200);
    assert.equal((await get(stack.url('/directory?q=%E0%A4%A'))).status, 200);
  });

  it('shows a public collection with its owner and public packages, each with its install URL', async () => {
    const userId = await owner('ada');
    const shown = await seedPublicPackage(stack.services, { slug: 'shown-tool', display_name: 'Shown Tool', userId });
    const hidden = await seedPublicPackage(stack.services, { slug: 'hidden-tool', display_name: 'Hidden Tool', is_private: true, userId });
    const collection = await insertCollection(stack.services.db, userId, { slug: 'ada-picks', name: 'Ada <em>picks</em>', description: 'The best & brightest', tags: ['favourites'], is_public: true });
    await addCollectionPackage(stack.services.db, collection.id, shown);
    await addCollectionPackage(stack.services.db, collection.id, hidden);
    const page = await get(stack.url('/collections/ada-picks'));
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('<h1 id="collection-title">Ada &lt;em&gt;picks&lt;/em&gt;</h1>'));
    assert.ok(page.text.includes('The best &amp; brightest') && page.text.includes('favourites'));
    assert.ok(page.text.includes('href="/u/ada">ada</a>') && page.text.includes('1 package'));
    assert.deepEqual(listed(page.text), ['shown-tool']);
    assert.ok(page.text.includes(`value="${stack.baseUrl}/shown-tool.git?path=Packages/com.acme.tool#v1.0.0"`));
    assert.ok(page.text.includes(`<link rel="canonical" href="${stack.baseUrl}/collections/ada-picks">`));
    assert.ok(page.text.includes('<title>Ada &lt;em&gt;picks&lt;/em&gt; · a collection of Unity packages</title>'));
    assert.ok(!page.text.includes('Hidden Tool') && !page.text.includes('hidden-tool'));
  });

  it('answers a private, unknown or malformed collection and an unknown user with the one 404 page of /pkg', async () => {
    const userId = await owner('grace');
    await insertCollection(stack.services.db, userId, { slug: 'grace-private', name: 'Private Picks', description: 'secret list', tags: [], is_public: false });
    const reference = await get(stack.url('/pkg/no-such-package'));
    assert.equal(reference.status, 404);
    for (const path of ['/collections/grace-private', '/collections/nothing-here', '/collections/a/b', '/collections/%E0%A4%A', '/collections/Bad_Slug!', '/u/nobody', '/u/%00', '/u/a/b', '/u/']) {
      const res = await get(stack.url(path));
      assert.equal(res.status, 404, path);
      assert.equal(res.text, reference.text, path);
      assert.ok(res.text.includes('noindex'), path);
    }
    assert.ok(!reference.text.includes('Private Picks') && !reference.text.includes('secret list'));
  });

  it("shows a user's public, listed packages and public collections, and nothing private", async () => {
    const userId = await owner('linus');
    await seedPublicPackage(stack.services, { slug: 'linus-big', display_name: 'Big One', userId, total_installs: 500 });
    await seedPublicPackage(stack.services, { slug: 'linus-small', display_name: 'Small One', userId, total_installs: 5 });
    await seedPublicPackage(stack.services, { slug: 'linus-secret', display_name: 'Secret One', userId, is_private: true });
    await seedPublicPackage(stack.services, { slug: 'someone-else', display_name: 'Not Linus' });
    await insertCollection(stack.services.db, userId, { slug: 'linus-public', name: 'Public List', description: 'Open', tags: [], is_public: true });
    await insertCollection(stack.services.db, userId, { slug: 'linus-hidden', name: 'Hidden List', description: 'Closed', tags: [], is_public: false });
    const page = await get(stack.url('/u/linus'));
    assert.equal(page.status, 200);
    assert.deepEqual(listed(page.text), ['linus-big', 'linus-small']);
    assert.ok(page.text.includes('href="/collections/linus-public">Public List</a>'));
    assert.ok(page.text.includes(`<link rel="canonical" href="${stack.baseUrl}/u/linus">`));
    assert.ok(page.text.includes('<title>linus · Unity packages and collections</title>'));
    for (const hidden of ['Secret One', 'linus-secret', 'Hidden List', 'linus-hidden', 'Not Linus']) assert.ok(!page.text.includes(hidden), hidden);
    assert.equal((await get(stack.url('/u/LINUS'))).status, 200);
  });

  it('serves a cached page again with its ETag and 304, for HEAD too', async () => {
    await seedPublicPackage(stack.services, { slug: 'etag-tool' });
    const first = await get(stack.url('/directory'));
    const etag = first.headers.get('etag') ?? '';
    assert.match(etag, /^"[\w-]{22}"$/);
    assert.equal((await get(stack.url('/directory?page=1&sort=installs'), { 'if-none-match': etag })).status, 304);
    const head = await fetch(stack.url('/directory'), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('sends a path with a trailing slash on to its page (301, query kept), not to a JSON or not-found answer', async () => {
    await seedPublicPackage(stack.services, { slug: 'slash-tool', display_name: 'Slash Tool' });
    await owner('slasher');
    const trailing: Array<[string, string]> = [['/directory/', '/directory'], ['/directory/?q=slash&sort=recent', '/directory?q=slash&sort=recent'], ['/pkg/slash-tool/', '/pkg/slash-tool'], ['/u/slasher/', '/u/slasher'], ['/collections/some-list/', '/collections/some-list']];
    for (const [path, to] of trailing) {
      const res = await fetch(stack.url(path), { redirect: 'manual' });
      assert.equal(res.status, 301, path);
      assert.equal(res.headers.get('location'), to, path);
    }
    assert.equal((await get(stack.url('/directory/'))).status, 200, 'followed, the directory');
    const page = await get(stack.url('/pkg/slash-tool/'));
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('Slash Tool'));
    assert.equal((await fetch(stack.url('/pkg/a/b/'), { redirect: 'manual' })).status, 404, 'nested: no such page');
  });

  it('answers the /favicon.ico every browser asks for with 204, not a 404 in the visitor\'s console', async () => {
    const icon = await get(stack.url('/favicon.ico'));
    assert.equal(icon.status, 204);
    assert.equal(icon.text, '');
    assert.match(icon.headers.get('cache-control') ?? '', /public, max-age=86400/);
  });

  it('labels its requests in the metrics by route template, never by the raw path', async () => {
    await get(stack.url('/directory?q=metered'));
    await get(stack.url('/collections/metered-list'));
    await get(stack.url('/u/metereduser'));
    const text = await (await fetch(stack.url('/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    assert.match(text, /linktally_http_requests_total\{method="GET",route="\/directory",status="200"\} \d+/);
    assert.match(text, /linktally_http_requests_total\{method="GET",route="\/collections\/\{slug\}",status="404"\} \d+/);
    assert.match(text, /linktally_http_requests_total\{method="GET",route="\/u\/\{username\}",status="404"\} \d+/);
    assert.doesNotMatch(text, /metered/);
  });
});
