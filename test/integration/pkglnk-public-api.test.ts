import assert from 'node:assert/strict';
import type { Db } from '../../src/db/knex';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import {
  checkSlugAvailability, clientError, collectionMembership, createCollection, deleteCollection, fetchBookmarks, fetchCollection, fetchCollections,
  fetchDirectory, fetchMyCollections, fetchUserPackages, parseInstallCounts, toggleBookmark, updateCollection,
} from '../helpers/pkglnk-client';
import { useStackWithAccount } from '../helpers/use-stack';
import { signUp } from '../helpers/sessions';

interface Seeded { id: number; public_id: string }

async function seedPackage(db: Db, userId: number, slug: string, extra: Record<string, unknown> = {}): Promise<Seeded> {
  const [row] = await db('packages')
    .insert({ user_id: userId, slug, display_name: `Package ${slug}`, git_platform: 'github', git_owner: 'acme', git_repo: slug, ...extra })
    .returning(['id', 'public_id']);
  return row as Seeded;
}

/** The PackageData fields the client reads, each of its type (JsonUtility). */
const PACKAGE_DATA_STRINGS = ['id', 'slug', 'display_name', 'git_platform', 'git_owner', 'git_repo', 'updated_at', 'created_at'];

describe('pkglnk public API, as the Unity editor client calls it', () => {
  const { stack, account } = useStackWithAccount({ env: { SIGNUP: 'open' } });
  let other: TestAccount;
  let pub: Seeded;
  let priv: Seeded;
  let unlisted: Seeded;
  beforeEach(async () => {
    other = await createAccount(stack.services);
    const db = stack.services.db;
    pub = await seedPackage(db, other.user.id, 'service-locator', { description: 'Find services at runtime', topics: ['di', 'runtime'], total_installs: 7, package_json_name: 'com.acme.service-locator' });
    await seedPackage(db, other.user.id, 'tween-kit', { description: 'Animation tweens', topics: ['animation'], total_installs: 3 });
    priv = await seedPackage(db, other.user.id, 'secret-tool', { description: 'Find services secretly', topics: ['di'], is_private: true, total_installs: 100 });
    unlisted = await seedPackage(db, other.user.id, 'hidden-gem', { description: 'Find services quietly', topics: ['di'], is_listed: false });
  });

  describe('GET /api/directory', () => {
    it('lists public, listed packages most installed first, with hasMore, totalCount and installCounts the client parses', async () => {
      const res = await fetchDirectory(stack.baseUrl, '', '', 1);
      assert.equal(res.status, 200);
      const body = JSON.parse(res.text);
      assert.deepEqual(body.packages.map((p: { slug: string }) => p.slug), ['service-locator', 'tween-kit']);
      assert.equal(body.totalCount, 2);
      assert.equal(body.hasMore, false);
      assert.deepEqual(parseInstallCounts(res.text), { [pub.public_id]: 7, [body.packages[1].id]: 3 });
      const pkg = body.packages[0];
      for (const field of PACKAGE_DATA_STRINGS) assert.equal(typeof pkg[field], 'string', field);
      assert.equal(pkg.id, pub.public_id);
      assert.deepEqual(pkg.topics, ['di', 'runtime']);
      assert.equal(pkg.package_json_name, 'com.acme.service-locator');
      assert.equal(pkg.github_stars, null);
      assert.equal(pkg.is_private, false);
      assert.equal(pkg.card_image_url, `${stack.baseUrl}/card/service-locator.svg`);
      assert.equal(pkg.card_image_png_url, `${stack.baseUrl}/card/service-locator.png`);
    });

    it('pages with page and limit, hasMore true until the last page', async () => {
      const first = JSON.parse((await fetchDirectory(stack.baseUrl, '', '', 1, 1)).text);
      const second = JSON.parse((await fetchDirectory(stack.baseUrl, '', '', 2, 1)).text);
      assert.equal(first.hasMore, true);
      assert.equal(second.hasMore, false);
      assert.deepEqual([first.packages[0].slug, second.packages[0].slug], ['service-locator', 'tween-kit']);
    });

    it('searches name, description and topics by word prefixes, and filters by topic, never showing private or unlisted packages', async () => {
      const slugs = async (q: string, topic = '') => JSON.parse((await fetchDirectory(stack.baseUrl, q, topic, 1)).text).packages.map((p: { slug: string }) => p.slug);
      assert.deepEqual(await slugs('find serv'), ['service-locator']);
      assert.deepEqual(await slugs('servi'), ['service-locator']);
      assert.deepEqual(await slugs('animation'), ['tween-kit']);
      assert.deepEqual(await slugs('com.acme'), ['service-locator']);
      assert.deepEqual(await slugs('secret'), []);
      assert.deepEqual(await slugs('quietly'), []);
      assert.deepEqual(await slugs('', 'di'), ['service-locator']);
      assert.deepEqual(await slugs("it's & | ! (:*"), []);
    });

    it('answers bad parameters with 400 in the pkglnk envelope', async () => {
      for (const query of ['page=0', 'page=abc', 'limit=1000', 'limit=-1', 'sort=stars', `q=${'a'.repeat(201)}`, 'q=%00']) {
        const res = await request(stack.url(`/api/directory?${query}`));
        assert.equal(res.status, 400, query);
        assert.equal(res.body.error.code, 'bad_request', query);
      }
    });

    it('answers an unknown pkglnk path in the pkglnk envelope', async () => {
      for (const path of ['/api/directory/nope', '/api/collections/a/b/c', '/api/v1/bookmarks/x']) {
        const res = await request(stack.url(path));
        assert.equal(res.status, 404, path);
        assert.equal(res.body.error.code, 'not_found', path);
      }
    });
  });

  describe('bookmarks', () => {
    it('toggles a public package on and off and lists bookmarks in the directory shape', async () => {
      assert.equal((await toggleBookmark(stack.baseUrl, account.token, pub.public_id)).status, 200);
      const listed = await fetchBookmarks(stack.baseUrl, account.token);
      assert.equal(listed.status, 200);
      const body = JSON.parse(listed.text);
      assert.deepEqual(body.packages.map((p: { id: string }) => p.id), [pub.public_id]);
      assert.equal(body.totalCount, 1);
      assert.deepEqual(parseInstallCounts(listed.text), { [pub.public_id]: 7 });
      assert.equal(JSON.parse((await toggleBookmark(stack.baseUrl, account.token, pub.public_id)).text).bookmarked, false);
      assert.equal(JSON.parse((await fetchBookmarks(stack.baseUrl, account.token)).text).totalCount, 0);
    });

    it("answers 404 for someone else's private package and 422 for a malformed id; the editor token's scopes are enough", async () => {
      const editor = await createAccount(stack.services, { scopes: ['packages:read', 'packages:write', 'analytics:read'] });
      const privateOne = await toggleBookmark(stack.baseUrl, editor.token, priv.public_id);
      assert.equal(privateOne.status, 404);
      assert.equal(clientError(privateOne), '404: Package not found');
      assert.equal((await toggleBookmark(stack.baseUrl, editor.token, 'not a package!')).status, 422);
      assert.equal((await toggleBookmark(stack.baseUrl, editor.token, 'secret-tool')).status, 404);
      assert.equal(JSON.parse((await toggleBookmark(stack.baseUrl, editor.token, 'tween-kit')).text).bookmarked, true);
      assert.equal((await toggleBookmark(stack.baseUrl, editor.token, unlisted.public_id)).status, 200);
      const reader = await createAccount(stack.services, { scopes: ['packages:read'] });
      assert.equal((await toggleBookmark(stack.baseUrl, reader.token, pub.public_id)).status, 403);
      assert.equal((await fetchBookmarks(stack.baseUrl, reader.token)).status, 200);
    });
  });

  describe('GET /api/v1/packages', () => {
    it('keeps packages and total and adds hasMore, totalCount, installCounts and the public fields', async () => {
      const res = await fetchUserPackages(stack.baseUrl, other.token);
      const body = JSON.parse(res.text);
      assert.equal(body.total, 4);
      assert.equal(body.totalCount, 4);
      assert.equal(body.hasMore, false);
      assert.equal(Object.keys(parseInstallCounts(res.text)).length, 4);
      const secret = body.packages.find((p: { slug: string }) => p.slug === 'secret-tool');
      assert.equal(secret.card_image_url, null);
      assert.equal(secret.is_private, true);
    });

    it('lets the owner set topics and is_listed and override description and display_name, recording the overrides', async () => {
      const res = await request(stack.url('/api/v1/packages/tween-kit'), {
        method: 'PATCH', headers: other.auth, json: { description: 'Mine', topics: ['Tween', 'tween', 'ui'], is_listed: false },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.topics, ['tween', 'ui']);
      assert.equal(res.body.is_listed, false);
      assert.deepEqual(res.body.metadata_overrides.sort(), ['description', 'topics']);
      const listed = JSON.parse((await fetchDirectory(stack.baseUrl, '', '', 1)).text);
      assert.deepEqual(listed.packages.map((p: { slug: string }) => p.slug), ['service-locator']);
      const bad = await request(stack.url('/api/v1/packages/tween-kit'), { method: 'PATCH', headers: other.auth, json: { topics: 'ui', is_listed: 'yes' } });
      assert.equal(bad.status, 422);
      assert.ok(bad.body.error.message);
    });
  });

  describe('collections', () => {
    it('creates, updates, fills, lists and deletes a collection as the client does; public ones are listed without private members', async () => {
      const created = await createCollection(stack.baseUrl, account.token, 'my-kit', 'My Kit', 'Tools I use');
      assert.equal(created.status, 201);
      const mutation = JSON.parse(created.text);
      assert.equal(mutation.success, true);
      assert.equal(mutation.collection.slug, 'my-kit');
      assert.equal(mutation.collection.is_public, false);
      assert.equal((await checkSlugAvailability(stack.baseUrl, 'my-kit')).available, false);
      assert.equal((await checkSlugAvailability(stack.baseUrl, 'free-slug')).available, true);

      const updated = await updateCollection(stack.baseUrl, account.token, 'my-kit', 'My Kit 2', 'Still tools');
      assert.equal(updated.status, 200);
      assert.equal(JSON.parse(updated.text).collection.name, 'My Kit 2');

      assert.equal((await collectionMembership(stack.baseUrl, account.token, 'POST', 'my-kit', pub.public_id)).status, 201);
      const again = await collectionMembership(stack.baseUrl, account.token, 'POST', 'my-kit', pub.public_id);
      assert.equal(again.status, 409);
      assert.equal(JSON.parse(again.text).error.code, 'conflict');
      assert.equal((await collectionMembership(stack.baseUrl, account.token, 'POST', 'my-kit', priv.public_id)).status, 404);

      // Private until made public: the public side does not show it.
      assert.equal((await fetchCollection(stack.baseUrl, 'my-kit')).status, 404);
      assert.equal(JSON.parse((await fetchCollections(stack.baseUrl, '', '', 0)).text).totalCount, 0);
      const made = await request(stack.url('/api/v1/collections/my-kit'), { method: 'PATCH', headers: account.auth, json: { is_public: true, tags: ['tools'] } });
      assert.equal(made.body.is_public, true);

      // The owner's own private package is a member, but not on the public side.
      const mine = await seedPackage(stack.services.db, account.user.id, 'my-private', { is_private: true });
      assert.equal((await collectionMembership(stack.baseUrl, account.token, 'POST', 'my-kit', mine.public_id)).status, 201);

      const list = JSON.parse((await fetchCollections(stack.baseUrl, 'kit', 'tools', 0)).text);
      assert.equal(list.totalCount, 1);
      const [summary] = list.collections;
      assert.equal(summary.slug, 'my-kit');
      assert.equal(summary.package_count, 1);
      assert.equal(summary.owner_username, account.user.username);
      assert.equal(summary.user_id, String(account.user.id));
      assert.equal(typeof summary.id, 'string');
      assert.equal(JSON.parse((await fetchCollections(stack.baseUrl, 'nothing-like-it', '', 0)).text).totalCount, 0);

      const detail = JSON.parse((await fetchCollection(stack.baseUrl, 'my-kit')).text);
      assert.deepEqual(detail.packages.map((p: { slug: string }) => p.slug), ['service-locator']);
      assert.equal(detail.collection.package_count, 1);

      const mineList = JSON.parse((await fetchMyCollections(stack.baseUrl, account.token)).text);
      assert.equal(mineList.totalCount, 1);
      assert.equal(mineList.total, 1);

      const removed = await collectionMembership(stack.baseUrl, account.token, 'DELETE', 'my-kit', pub.public_id);
      assert.equal(JSON.parse(removed.text).success, true);
      const deleted = await deleteCollection(stack.baseUrl, account.token, 'my-kit');
      assert.equal(JSON.parse(deleted.text).success, true);
      assert.equal((await fetchCollection(stack.baseUrl, 'my-kit')).status, 404);
    });

    it('answers bad collection queries with 400 and unknown slugs with 404, in the pkglnk envelope', async () => {
      for (const query of ['offset=-1', 'limit=0', 'limit=500', 'offset=x']) {
        const res = await request(stack.url(`/api/collections?${query}`));
        assert.equal(res.status, 400, query);
        assert.equal(res.body.error.code, 'bad_request');
      }
      const missing = await request(stack.url('/api/collections/No%20Such'));
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
    });
  });

  describe('GET /api/check-availability', () => {
    it('says a private package slug is taken and nothing more; bad input is a 400', async () => {
      const taken = await request(stack.url('/api/check-availability?slug=secret-tool&type=package'));
      assert.deepEqual(taken.body, { available: false });
      assert.deepEqual((await request(stack.url('/api/check-availability?slug=brand-new&type=package'))).body, { available: true });
      assert.deepEqual((await request(stack.url('/api/check-availability?slug=Not%20a%20slug!&type=package'))).body, { available: false });
      for (const query of ['slug=x', 'slug=x&type=link', 'type=package', 'slug=&type=package']) {
        const res = await request(stack.url(`/api/check-availability?${query}`));
        assert.equal(res.status, 400, query);
        assert.equal(res.body.error.code, 'bad_request');
      }
    });
  });

  describe('editor sign-in', () => {
    const form = (fields: Record<string, string>, cookie: string) => fetch(stack.url('/auth/unity-confirm'), {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(fields).toString(),
    });

    it('sends a signed-out browser to sign in and back', async () => {
      const res = await request(stack.url('/auth/unity-start?port=54321'));
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), `/signin?next=${encodeURIComponent('/auth/unity-start?port=54321')}`);
    });

    it('asks a signed-in person to confirm, then mints an editor token and redirects only to the loopback port', async () => {
      const session = await signUp(stack);
      const page = await request(stack.url('/auth/unity-start?port=54321'), { headers: session.cookie });
      assert.equal(page.status, 200);
      assert.match(String(page.body), /<form method="post" action="\/auth\/unity-confirm">/);
      assert.match(String(page.body), /value="54321"/);
      assert.ok(String(page.body).includes(`value="${session.csrf}"`));
      assert.equal(page.headers.get('x-frame-options'), 'DENY');

      const tokensBefore = Number((await stack.services.db('api_tokens').where({ user_id: session.user.id }).count({ n: '*' }))[0]?.n);
      const cancelled = await form({ port: '54321', csrf_token: session.csrf, decision: 'cancel' }, session.cookie.cookie);
      assert.equal(cancelled.status, 302);
      assert.equal(cancelled.headers.get('location'), 'http://localhost:54321/?error=access_denied');
      const forged = await form({ port: '54321', csrf_token: 'x'.repeat(64), decision: 'allow' }, session.cookie.cookie);
      assert.equal(forged.status, 403);
      assert.equal(Number((await stack.services.db('api_tokens').where({ user_id: session.user.id }).count({ n: '*' }))[0]?.n), tokensBefore);

      const allowed = await form({ port: '54321', csrf_token: session.csrf, decision: 'allow' }, session.cookie.cookie);
      assert.equal(allowed.status, 302);
      const target = new URL(allowed.headers.get('location') ?? '');
      assert.equal(`${target.protocol}//${target.host}${target.pathname}`, 'http://localhost:54321/');
      assert.equal(target.searchParams.get('username'), session.user.username);
      assert.equal(target.searchParams.get('user_id'), String(session.user.id));
      assert.equal(target.searchParams.get('avatar_url'), '');
      const token = target.searchParams.get('token') ?? '';
      const row = await stack.services.db('api_tokens').where({ user_id: session.user.id }).orderBy('id', 'desc').first('scopes', 'expires_at');
      assert.deepEqual(row.scopes, ['packages:read', 'packages:write', 'analytics:read']);
      assert.ok(row.expires_at);
      assert.equal((await fetchBookmarks(stack.baseUrl, token)).status, 200);
    });

    it('refuses a bad port or a form without a session', async () => {
      const session = await signUp(stack);
      for (const port of ['0', '80', '65536', 'abc', '1234@evil.example', '']) {
        const res = await request(stack.url(`/auth/unity-start?port=${encodeURIComponent(port)}`), { headers: session.cookie });
        assert.equal(res.status, 400, port);
        assert.equal(res.body.error.code, 'bad_request');
      }
      assert.equal((await request(stack.url('/auth/unity-start'), { headers: session.cookie })).status, 400);
      const noSession = await form({ port: '54321', csrf_token: session.csrf, decision: 'allow' }, '');
      assert.equal(noSession.status, 401);
      assert.equal(noSession.headers.get('location'), null);
      const evil = await form({ port: '54321@evil.example', csrf_token: session.csrf, decision: 'allow' }, session.cookie.cookie);
      assert.equal(evil.status, 400);
    });
  });
});
