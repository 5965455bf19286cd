import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { insertPackage } from '../helpers/install-fixtures';
import { startStack } from '../helpers/stack';
import { useStackWithAccount } from '../helpers/use-stack';
import { findAll, parseXml, textOf } from '../helpers/xml';

interface BadgeResponse {
  status: number;
  headers: Headers;
  body: string;
  texts: string[];
}

describe('README badges', () => {
  const { stack, account } = useStackWithAccount();
  let slug: string;
  beforeEach(() => {
    // Each test its own slug: the web process's badge cache outlives stack.reset().
    slug = `pkg-${randomUUID().slice(0, 8)}`;
  });

  async function badge(path: string, init: RequestInit = {}): Promise<BadgeResponse> {
    const res = await fetch(stack.url(path), init);
    const body = await res.text();
    // Every SVG answer must parse; its visible texts are the label then the value.
    const texts = body ? findAll(parseXml(body), 'text').filter((t) => t.attrs['aria-hidden'] !== 'true').map(textOf) : [];
    return { status: res.status, headers: res.headers, body, texts };
  }

  const styles: Array<[string, string, string]> = [
    ['', 'pkglnk', '1.2k installs'],
    ['?style=pkglnk', 'pkglnk', '1.2k installs'],
    ['?style=upm', 'UPM', '1.2k installs'],
    ['?style=upm-installs', 'UPM installs', '1.2k'],
    ['?style=installs', 'installs', '1.2k'],
    ['?style=UPM', 'UPM', '1.2k installs'],
  ];
  for (const [query, label, value] of styles) {
    it(`draws "${label} | ${value}" for ${query || 'no style'}`, async () => {
      await insertPackage(stack.services, account.user.id, { slug, total_installs: 1234 });
      const res = await badge(`/badge/${slug}.svg${query}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.texts, [label, value]);
    });
  }

  it('answers image/svg+xml, cacheable publicly for an hour, with an ETag that revalidates to 304', async () => {
    await insertPackage(stack.services, account.user.id, { slug, total_installs: 3_400_000 });
    const res = await badge(`/badge/${slug}.svg?style=installs`);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=3600');
    assert.equal(res.headers.get('x-ratelimit-limit'), null, 'served by the edge, not the API');
    assert.deepEqual(res.texts, ['installs', '3.4M']);
    const again = await fetch(stack.url(`/badge/${slug}.svg?style=installs`), { headers: { 'if-none-match': res.headers.get('etag') ?? '' } });
    assert.equal(again.status, 304);
  });

  it('serves a popular badge from the cache instead of querying PostgreSQL each time', async () => {
    const pkg = await insertPackage(stack.services, account.user.id, { slug, total_installs: 10 });
    assert.deepEqual((await badge(`/badge/${slug}.svg`)).texts, ['pkglnk', '10 installs']);
    await stack.services.db('packages').where({ id: pkg.id }).update({ total_installs: 11 });
    // Within the cache's minute the stored count is not read again.
    assert.deepEqual((await badge(`/badge/${slug}.svg`)).texts, ['pkglnk', '10 installs']);
  });

  it('shows "private" for a private package, kept out of shared caches', async () => {
    await insertPackage(stack.services, account.user.id, { slug, is_private: true, total_installs: 50 });
    const res = await badge(`/badge/${slug}.svg?style=upm`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.texts, ['UPM', 'private']);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=3600');
  });

  it('answers 404 with a "not found" badge for an unknown slug or a malformed badge path', async () => {
    for (const path of ['/badge/no-such-pkg.svg', '/badge/no-such-pkg.svg?style=installs', '/badge/', '/badge/a/b.svg', '/badge/pkg.png', '/badge/%3Cx%3E.svg', '/badge/%00.svg', '/badge/%E0%A4%A.svg', '/badge/.svg', `/badge/${'a'.repeat(300)}.svg`]) {
      const res = await badge(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml');
      assert.equal(res.texts[1], 'not found', path);
    }
  });

  it('answers 400 with an "unknown style" badge for a style that does not exist', async () => {
    await insertPackage(stack.services, account.user.id, { slug, total_installs: 1 });
    const res = await badge(`/badge/${slug}.svg?style=flat-square`);
    assert.equal(res.status, 400);
    assert.deepEqual(res.texts, ['pkglnk', 'unknown style']);
  });

  it('answers HEAD with the headers only', async () => {
    await insertPackage(stack.services, account.user.id, { slug, total_installs: 1 });
    const res = await fetch(stack.url(`/badge/${slug}.svg`), { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.equal(await res.text(), '');
  });

  it('answers 503 with an "unavailable" badge, not a 500, when PostgreSQL is unreachable', async () => {
    const broken = await startStack({ env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' } });
    try {
      const res = await fetch(broken.url('/badge/popular-pkg.svg'));
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(findAll(parseXml(await res.text()), 'title').map(textOf)[0], 'pkglnk: unavailable');
    } finally {
      await broken.stop();
    }
  });
});
