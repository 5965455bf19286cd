import assert from 'node:assert/strict';
import { createLink } from '../../src/domain/links';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

describe('Collections: create, read, list, change, delete', () => {
  const { stack, account } = useStackWithAccount();

  const create = (json: unknown, who: TestAccount = account) => request(stack.url('/api/v1/collections'), { method: 'POST', headers: who.auth, json });
  const get = (ref: string | number, who: TestAccount = account) => request(stack.url(`/api/v1/collections/${ref}`), { headers: who.auth });

  it('creates a collection with every field and answers it, pkglnk style, with 201', async () => {
    const res = await create({ name: 'Unity Tools', slug: 'unity-tools', description: 'Editor helpers', tags: ['unity', 'editor'] });
    assert.equal(res.status, 201);
    const c = res.body;
    assert.deepEqual(Object.keys(c).sort(), ['collection', 'created_at', 'description', 'id', 'is_public', 'link_count', 'name', 'package_count', 'packages', 'slug', 'success', 'tags', 'updated_at']);
    assert.equal(c.success, true);
    assert.equal(c.collection.slug, c.slug);
    assert.ok(Number.isInteger(c.id));
    assert.equal(c.slug, 'unity-tools');
    assert.equal(c.name, 'Unity Tools');
    assert.equal(c.description, 'Editor helpers');
    assert.deepEqual(c.tags, ['unity', 'editor']);
    assert.equal(c.link_count, 0);
    assert.equal(c.package_count, 0);
    assert.deepEqual(c.packages, []);
    assert.ok(!Number.isNaN(Date.parse(c.created_at)) && c.created_at === c.updated_at);
  });

  it('defaults description to null and tags to [], trims text and drops duplicate tags', async () => {
    const bare = await create({ name: 'Bare' });
    assert.equal(bare.body.description, null);
    assert.deepEqual(bare.body.tags, []);
    const tidy = await create({ name: '  Tidy  ', tags: [' a ', 'b', 'a'] });
    assert.equal(tidy.body.name, 'Tidy');
    assert.deepEqual(tidy.body.tags, ['a', 'b']);
  });

  it('generates the slug from the name when none is given', async () => {
    const res = await create({ name: 'My Favourite Packages!' });
    assert.equal(res.status, 201);
    assert.equal(res.body.slug, 'my-favourite-packages');
  });

  it('gives a second collection of the same name a distinct generated slug', async () => {
    const first = await create({ name: 'Tools' });
    const second = await create({ name: 'Tools' });
    assert.equal(first.body.slug, 'tools');
    assert.match(second.body.slug, /^tools-[a-z0-9]{6}$/);
  });

  it('answers 409 conflict for a requested slug already taken, by this or another user', async () => {
    await create({ name: 'One', slug: 'taken' });
    const again = await create({ name: 'Two', slug: 'taken' });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, { error: { code: 'conflict', message: 'Slug has already been taken' } });
    const other = await createAccount(stack.services);
    assert.equal((await create({ name: 'Three', slug: 'taken' }, other)).status, 409);
  });

  it('lets exactly one of many concurrent creates with one slug win; the rest get 409', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create({ name: `Race ${i}`, slug: 'race' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
    assert.equal((await stack.services.db('collections').where({ slug: 'race' }).count({ n: '*' }))[0]?.n, 1);
  });

  it('creates every one of many concurrent same-name collections, each with its own slug', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => create({ name: 'Same Name' })));
    assert.deepEqual(results.map((r) => r.status), Array(8).fill(201));
    assert.equal(new Set(results.map((r) => r.body.slug)).size, 8);
  });

  it('gets a collection by slug and by numeric id, with the same answer', async () => {
    const created = await create({ name: 'Lookup', slug: 'lookup' });
    const bySlug = await get('lookup');
    const byId = await get(created.body.id);
    assert.equal(bySlug.status, 200);
    assert.deepEqual(bySlug.body, created.body);
    assert.deepEqual(byId.body, bySlug.body);
  });

  it('answers 404 in the pkglnk envelope for an unknown slug, an unknown id and a malformed slug', async () => {
    for (const ref of ['nope', '999', 'Bad%20Slug']) {
      const res = await get(ref);
      assert.equal(res.status, 404, ref);
      assert.deepEqual(res.body, { error: { code: 'not_found', message: 'Collection not found' } }, ref);
    }
    // Refused by every route's path check before the lookup.
    const control = await get('%00');
    assert.equal(control.status, 404);
    assert.deepEqual(control.body, { error: { code: 'not_found', message: "Invalid path: Path segment can't contain control characters" } });
  });

  it('counts the live links filed in the collection, not archived ones or other collections\'', async () => {
    const c = (await create({ name: 'Linked' })).body;
    const other = (await create({ name: 'Other' })).body;
    const db = stack.services.db;
    const base = { user_id: account.user.id, destination_url: 'https://example.com' };
    await createLink(db, { ...base, collection_id: c.id });
    await createLink(db, { ...base, collection_id: c.id });
    await createLink(db, { ...base, collection_id: c.id, archived: true });
    await createLink(db, { ...base, collection_id: other.id });
    await createLink(db, base);
    assert.equal((await get(c.slug)).body.link_count, 2);
  });

  it('lists the user\'s collections newest first with counts, total and pagination', async () => {
    for (const name of ['A', 'B', 'C']) await create({ name });
    const res = await request(stack.url('/api/v1/collections'), { headers: account.auth });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.collections.map((c: { name: string }) => c.name), ['C', 'B', 'A']);
    assert.equal(res.body.total, 3);
    assert.deepEqual(res.body.pagination, { page: 1, per_page: 50, total: 3, total_pages: 1 });
    const item = res.body.collections[0];
    assert.deepEqual(Object.keys(item).sort(), ['created_at', 'description', 'id', 'is_public', 'link_count', 'name', 'package_count', 'slug', 'tags', 'updated_at']);
    assert.equal(res.body.totalCount, 3);
  });

  it('pages the list with page and per_page', async () => {
    for (const name of ['A', 'B', 'C', 'D', 'E']) await create({ name });
    const res = await request(stack.url('/api/v1/collections?page=2&per_page=2'), { headers: account.auth });
    assert.deepEqual(res.body.collections.map((c: { name: string }) => c.name), ['C', 'B']);
    assert.equal(res.body.total, 5);
    assert.deepEqual(res.body.pagination, { page: 2, per_page: 2, total: 5, total_pages: 3 });
    const past = await request(stack.url('/api/v1/collections?page=9&per_page=2'), { headers: account.auth });
    assert.deepEqual(past.body.collections, []);
  });

  it('answers 400 for a bad page or per_page', async () => {
    for (const query of ['page=0', 'page=x', 'per_page=101', 'per_page=-1', 'per_page=1.5']) {
      const res = await request(stack.url(`/api/v1/collections?${query}`), { headers: account.auth });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'bad_request', query);
    }
  });

  it('changes name, description and tags with PATCH, keeping the slug and moving updated_at', async () => {
    const created = (await create({ name: 'Before', description: 'old', tags: ['x'] })).body;
    // Backdate, so "updated_at moved" does not depend on the clock ticking between two requests.
    await stack.services.db('collections').where({ id: created.id }).update({ updated_at: new Date(Date.parse(created.updated_at) - 60_000) });
    const res = await request(stack.url(`/api/v1/collections/${created.slug}`), { method: 'PATCH', headers: account.auth, json: { name: 'After', description: null, tags: [] } });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'After');
    assert.equal(res.body.slug, 'before');
    assert.equal(res.body.description, null);
    assert.deepEqual(res.body.tags, []);
    assert.ok(Date.parse(res.body.updated_at) >= Date.parse(created.updated_at));
    assert.equal(res.body.created_at, created.created_at);
  });

  it('renames the slug with PATCH, after which the new slug and the id address it and the old slug does not', async () => {
    const created = (await create({ name: 'Move', slug: 'old-slug' })).body;
    const res = await request(stack.url(`/api/v1/collections/${created.id}`), { method: 'PATCH', headers: account.auth, json: { slug: 'new-slug' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.slug, 'new-slug');
    assert.equal((await get('new-slug')).status, 200);
    assert.equal((await get('old-slug')).status, 404);
  });

  it('answers 409 for a PATCH to a slug another collection has, and changes nothing', async () => {
    await create({ name: 'Keep', slug: 'keep' });
    const mover = (await create({ name: 'Mover', slug: 'mover' })).body;
    const res = await request(stack.url('/api/v1/collections/mover'), { method: 'PATCH', headers: account.auth, json: { slug: 'keep', name: 'Renamed' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'conflict');
    assert.deepEqual((await get(mover.id)).body, mover);
  });

  it('deletes a collection with {"deleted": true}; its links stay, outside any collection, and its packages stay', async () => {
    const c = (await create({ name: 'Doomed' })).body;
    const db = stack.services.db;
    const link = await createLink(db, { user_id: account.user.id, destination_url: 'https://example.com', collection_id: c.id });
    const [pkg] = await db('packages').insert({ user_id: account.user.id, slug: 'kept-package', display_name: 'Kept', git_platform: 'github', git_owner: 'o', git_repo: 'r' }).returning('id');
    await db('collection_packages').insert({ collection_id: c.id, package_id: pkg.id });

    const res = await request(stack.url(`/api/v1/collections/${c.slug}`), { method: 'DELETE', headers: account.auth });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { deleted: true, success: true });
    assert.equal((await get(c.slug)).status, 404);
    const kept = await db('links').where({ id: link.id }).first();
    assert.equal(kept.collection_id, null);
    assert.ok(await db('packages').where({ id: pkg.id }).first());
    assert.equal((await db('collection_packages').count({ n: '*' }))[0]?.n, 0);
    const again = await request(stack.url(`/api/v1/collections/${c.slug}`), { method: 'DELETE', headers: account.auth });
    assert.equal(again.status, 404);
  });
});
