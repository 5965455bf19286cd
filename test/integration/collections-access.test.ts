import assert from 'node:assert/strict';
import type { Scope } from '../../src/lib/tokens';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

describe('Collections: scopes, tenancy and bad input', () => {
  const { stack, account: owner } = useStackWithAccount();

  const create = (json: unknown, who: TestAccount = owner) => request(stack.url('/api/v1/collections'), { method: 'POST', headers: who.auth, json });

  describe('scopes', () => {
    const withScopes = (scopes: Scope[]) => createAccount(stack.services, { scopes });

    it('lets either links:read or packages:read list and read collections', async () => {
      for (const scope of ['links:read', 'packages:read'] as const) {
        const reader = await withScopes([scope, 'links:write']);
        await create({ name: 'Readable', slug: `readable-${scope.split(':')[0]}` }, reader);
        assert.equal((await request(stack.url('/api/v1/collections'), { headers: reader.auth })).status, 200, scope);
        assert.equal((await request(stack.url(`/api/v1/collections/readable-${scope.split(':')[0]}`), { headers: reader.auth })).status, 200, scope);
      }
    });

    it('lets either links:write or packages:write create, change and delete collections', async () => {
      for (const scope of ['links:write', 'packages:write'] as const) {
        const writer = await withScopes([scope]);
        const slug = `writable-${scope.split(':')[0]}`;
        assert.equal((await create({ name: 'Writable', slug }, writer)).status, 201, scope);
        assert.equal((await request(stack.url(`/api/v1/collections/${slug}`), { method: 'PATCH', headers: writer.auth, json: { name: 'Changed' } })).status, 200, scope);
        assert.equal((await request(stack.url(`/api/v1/collections/${slug}`), { method: 'DELETE', headers: writer.auth })).status, 200, scope);
      }
    });

    it('answers 403 in the pkglnk envelope, naming both scopes, to a token with neither', async () => {
      const neither = await withScopes(['analytics:read', 'tokens:manage']);
      const read = await request(stack.url('/api/v1/collections'), { headers: neither.auth });
      assert.equal(read.status, 403);
      assert.deepEqual(read.body, { error: { code: 'forbidden', message: 'Insufficient scope: this token lacks links:read or packages:read' } });
      const write = await create({ name: 'Nope' }, neither);
      assert.equal(write.status, 403);
      assert.match(write.body.error.message, /links:write or packages:write/);
    });

    it('does not let a read-only token write', async () => {
      const reader = await withScopes(['links:read', 'packages:read']);
      assert.equal((await create({ name: 'Nope' }, reader)).status, 403);
      assert.equal((await request(stack.url('/api/v1/collections/x/packages'), { method: 'POST', headers: reader.auth, json: { packageId: 'p' } })).status, 403);
    });

    it('answers 401 in the pkglnk envelope without a token', async () => {
      const res = await request(stack.url('/api/v1/collections'));
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'unauthorized');
    });

    it('documents the accepted scopes of each collection route in the OpenAPI document', async () => {
      const doc = (await request(stack.url('/api/v1/openapi.json'))).body;
      assert.deepEqual(doc.paths['/api/v1/collections'].get['x-required-scope'], ['links:read', 'packages:read']);
      assert.deepEqual(doc.paths['/api/v1/collections/{slug}'].patch['x-required-scope'], ['links:write', 'packages:write']);
      assert.equal(doc.paths['/api/v1/links'].post['x-required-scope'], 'links:write');
    });
  });

  describe('tenancy', () => {
    it('shows another user\'s collection as 404 everywhere, by slug and by id, and leaves it untouched', async () => {
      const theirs = (await create({ name: 'Private', slug: 'private-stuff', tags: ['mine'] })).body;
      const stranger = await createAccount(stack.services);
      for (const ref of ['private-stuff', String(theirs.id)]) {
        const path = `/api/v1/collections/${ref}`;
        const attempts = [
          request(stack.url(path), { headers: stranger.auth }),
          request(stack.url(path), { method: 'PATCH', headers: stranger.auth, json: { name: 'Hijacked' } }),
          request(stack.url(path), { method: 'DELETE', headers: stranger.auth }),
          request(stack.url(`${path}/packages`), { method: 'DELETE', headers: stranger.auth, json: { packageId: 1 } }),
          request(stack.url(`${path}/packages/1`), { method: 'DELETE', headers: stranger.auth }),
        ];
        for (const res of await Promise.all(attempts)) {
          assert.equal(res.status, 404, ref);
          assert.deepEqual(res.body, { error: { code: 'not_found', message: 'Collection not found' } });
        }
      }
      const list = await request(stack.url('/api/v1/collections'), { headers: stranger.auth });
      assert.deepEqual([list.body.collections, list.body.total], [[], 0]);
      const still = await request(stack.url('/api/v1/collections/private-stuff'), { headers: owner.auth });
      assert.deepEqual(still.body, theirs);
    });
  });

  describe('bad input', () => {
    it('answers 422 with a readable reason for each bad field on create, and writes nothing', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{}, /Name can't be blank/],
        [{ name: '   ' }, /Name can't be blank/],
        [{ name: 42 }, /Name must be a string/],
        [{ name: 'x'.repeat(101) }, /Name is too long \(maximum is 100 characters\)/],
        [{ name: 'ok', description: 5 }, /Description must be a string/],
        [{ name: 'ok', description: 'x'.repeat(2001) }, /Description is too long/],
        [{ name: 'ok', tags: 'one,two' }, /Tags must be an array of strings/],
        [{ name: 'ok', tags: [1] }, /Each tag must be a string/],
        [{ name: 'ok', tags: [''] }, /A tag can't be blank/],
        [{ name: 'ok', tags: ['x'.repeat(51)] }, /Each tag is too long/],
        [{ name: 'ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /at most 20 tags/],
        [{ name: 'ok', slug: 7 }, /Slug must be a string/],
        [{ name: 'ok', slug: '' }, /Slug can't be blank/],
        [{ name: 'ok', slug: 'Has Spaces' }, /Slug may contain only lowercase letters/],
        [{ name: 'ok', slug: 'UPPER' }, /Slug may contain only lowercase letters/],
        [{ name: 'ok', slug: 'a/b' }, /Slug may contain only lowercase letters/],
        [{ name: 'ok', slug: 'x'.repeat(65) }, /Slug is too long/],
        [{ name: 'ok', slug: '12345' }, /Slug must not be only digits/],
        [{ name: 'ok', slug: 'new' }, /Slug is reserved/],
        [{ name: 'ok', slug: 'packages' }, /Slug is reserved/],
        [{ name: 'ok', title: 'wrong field' }, /Unrecognized key/],
      ];
      for (const [json, message] of cases) {
        const res = await create(json);
        assert.equal(res.status, 422, JSON.stringify(json).slice(0, 80));
        assert.equal(res.body.error.code, 'unprocessable');
        assert.match(res.body.error.message, message, JSON.stringify(res.body));
      }
      assert.equal((await stack.services.db('collections').count({ n: '*' }))[0]?.n, 0);
    });

    it('answers 422 for an empty or bad PATCH and changes nothing', async () => {
      const created = (await create({ name: 'Stable', slug: 'stable' })).body;
      for (const [json, message] of [[{}, /at least one of/], [{ name: '' }, /Name can't be blank/], [{ slug: 'Bad Slug' }, /Slug may contain/], [{ tags: null }, /Tags must be/]] as const) {
        const res = await request(stack.url('/api/v1/collections/stable'), { method: 'PATCH', headers: owner.auth, json });
        assert.equal(res.status, 422, JSON.stringify(json));
        assert.match(res.body.error.message, message);
      }
      assert.deepEqual((await request(stack.url('/api/v1/collections/stable'), { headers: owner.auth })).body, created);
    });

    it('answers 400 for a body that is not JSON or not an object, and 415 for one that is not sent as JSON', async () => {
      const notJson = await request(stack.url('/api/v1/collections'), { method: 'POST', headers: { ...owner.auth, 'content-type': 'application/json' }, body: '{"name": ' });
      assert.deepEqual([notJson.status, notJson.body], [400, { error: { code: 'bad_request', message: 'Request body is not valid JSON' } }]);
      const array = await create(['name']);
      assert.equal(array.status, 400);
      assert.equal(array.body.error.code, 'bad_request');
      const text = await request(stack.url('/api/v1/collections'), { method: 'POST', headers: { ...owner.auth, 'content-type': 'text/plain' }, body: 'name=x' });
      assert.equal(text.status, 415);
      assert.equal(text.body.error.code, 'unsupported_media_type');
    });

    it('answers 404 in the pkglnk envelope for an unknown collection sub-path', async () => {
      await create({ name: 'Here', slug: 'here' });
      const res = await request(stack.url('/api/v1/collections/here/links'), { headers: owner.auth });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'not_found');
    });
  });
});
