import assert from 'node:assert/strict';
import type { Db } from '../../src/db/knex';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

/** Packages are written straight to their table: this suite is about membership, not the packages API. */
async function insertPackage(db: Db, userId: number, slug: string): Promise<number> {
  const [row] = await db('packages')
    .insert({ user_id: userId, slug, display_name: `Package ${slug}`, git_platform: 'github', git_owner: 'owner', git_repo: slug, git_ref: 'v1.0.0' })
    .returning('id');
  return (row as { id: number }).id;
}

describe('Collections: package membership', () => {
  const { stack, account } = useStackWithAccount();
  let collection: { id: number; slug: string; updated_at: string };
  beforeEach(async () => {
    collection = (await request(stack.url('/api/v1/collections'), { method: 'POST', headers: account.auth, json: { name: 'Kit', slug: 'kit' } })).body;
  });

  const members = (ref: string | number = 'kit') => `/api/v1/collections/${ref}/packages`;
  const add = (packageId: unknown, ref: string | number = 'kit', who: TestAccount = account) =>
    request(stack.url(members(ref)), { method: 'POST', headers: who.auth, json: { packageId } });
  const slugsIn = async (): Promise<string[]> => {
    const res = await request(stack.url('/api/v1/collections/kit'), { headers: account.auth });
    return res.body.packages.map((p: { slug: string }) => p.slug);
  };

  it('adds a package by slug with 201 and answers the collection listing it, with its pkglnk fields', async () => {
    const packageId = await insertPackage(stack.services.db, account.user.id, 'my-package');
    const res = await add('my-package');
    assert.equal(res.status, 201);
    assert.equal(res.body.slug, 'kit');
    assert.equal(res.body.package_count, 1);
    const [pkg] = res.body.packages;
    assert.equal(pkg.id, packageId);
    assert.equal(pkg.slug, 'my-package');
    assert.equal(pkg.display_name, 'Package my-package');
    assert.equal(pkg.git_platform, 'github');
    assert.equal(pkg.git_ref, 'v1.0.0');
    assert.equal(pkg.git_path, null);
    assert.equal(pkg.is_private, false);
    assert.equal(pkg.total_installs, 0);
    assert.ok(!Number.isNaN(Date.parse(pkg.added_at)));
  });

  it('adds a package by numeric id, given as a number or as a string of digits, to a collection addressed by id', async () => {
    const first = await insertPackage(stack.services.db, account.user.id, 'first');
    const second = await insertPackage(stack.services.db, account.user.id, 'second');
    assert.equal((await add(first, collection.id)).status, 201);
    assert.equal((await add(String(second), collection.id)).status, 201);
    assert.deepEqual(await slugsIn(), ['first', 'second']);
  });

  it('finds a package whose slug is all digits when no package has that id', async () => {
    await insertPackage(stack.services.db, account.user.id, '2048');
    assert.equal((await add('2048')).status, 201);
    assert.deepEqual(await slugsIn(), ['2048']);
  });

  it('answers adding a member again with 409 (as pkglnk does), still one membership', async () => {
    await insertPackage(stack.services.db, account.user.id, 'twice');
    assert.equal((await add('twice')).status, 201);
    const again = await add('twice');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'conflict');
    assert.equal((await stack.services.db('collection_packages').count({ n: '*' }))[0]?.n, 1);
  });

  it('keeps one membership when the same package is added concurrently', async () => {
    await insertPackage(stack.services.db, account.user.id, 'racer');
    const results = await Promise.all(Array.from({ length: 6 }, () => add('racer')));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
    assert.equal((await stack.services.db('collection_packages').count({ n: '*' }))[0]?.n, 1);
  });

  it('moves the collection\'s updated_at when its packages change', async () => {
    await insertPackage(stack.services.db, account.user.id, 'mover');
    await stack.services.db('collections').where({ id: collection.id }).update({ updated_at: new Date('2026-01-01T00:00:00Z') });
    const res = await add('mover');
    assert.ok(Date.parse(res.body.updated_at) > Date.parse('2026-01-01T00:00:00Z'));
  });

  it('removes a package by slug or by id in the path with {"deleted": true, "success": true}', async () => {
    await insertPackage(stack.services.db, account.user.id, 'by-slug');
    const byId = await insertPackage(stack.services.db, account.user.id, 'by-id');
    await add('by-slug');
    await add('by-id');
    const removed = await request(stack.url(`${members()}/by-slug`), { method: 'DELETE', headers: account.auth });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, { deleted: true, success: true });
    assert.deepEqual(await slugsIn(), ['by-id']);
    assert.equal((await request(stack.url(`${members(collection.id)}/${byId}`), { method: 'DELETE', headers: account.auth })).status, 200);
    assert.deepEqual(await slugsIn(), []);
    assert.ok(await stack.services.db('packages').where({ id: byId }).first(), 'the package itself stays');
  });

  it('removes a package named in a DELETE body {"packageId": …}, by slug or by id', async () => {
    await insertPackage(stack.services.db, account.user.id, 'body-slug');
    const id = await insertPackage(stack.services.db, account.user.id, 'body-id');
    await add('body-slug');
    await add(id);
    for (const packageId of ['body-slug', id]) {
      const res = await request(stack.url(members()), { method: 'DELETE', headers: account.auth, json: { packageId } });
      assert.equal(res.status, 200, String(packageId));
      assert.deepEqual(res.body, { deleted: true, success: true });
    }
    assert.deepEqual(await slugsIn(), []);
  });

  it('answers 404 for removing a package that is not a member', async () => {
    await insertPackage(stack.services.db, account.user.id, 'outsider');
    const res = await request(stack.url(`${members()}/outsider`), { method: 'DELETE', headers: account.auth });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: { code: 'not_found', message: 'Package is not in this collection' } });
  });

  it('answers 404 for an unknown package, by slug or by id, when adding and when removing', async () => {
    for (const packageId of ['no-such-package', 987654, '987654']) {
      const res = await add(packageId);
      assert.equal(res.status, 404, String(packageId));
      assert.deepEqual(res.body, { error: { code: 'not_found', message: 'Package not found' } });
    }
    for (const path of [`${members()}/no-such-package`, `${members()}/987654`, `${members()}/%00`]) {
      assert.equal((await request(stack.url(path), { method: 'DELETE', headers: account.auth })).status, 404, path);
    }
  });

  it('answers 404 for adding another user\'s private package, by slug and by id, and adds nothing', async () => {
    const stranger = await createAccount(stack.services);
    const theirs = await insertPackage(stack.services.db, stranger.user.id, 'their-package');
    await stack.services.db('packages').where({ id: theirs }).update({ is_private: true });
    for (const packageId of ['their-package', theirs]) {
      const res = await add(packageId);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.message, 'Package not found');
    }
    assert.equal((await stack.services.db('collection_packages').count({ n: '*' }))[0]?.n, 0);
  });

  it('adds another user\'s public package by its slug or public id, never by its integer id', async () => {
    const stranger = await createAccount(stack.services);
    const theirs = await insertPackage(stack.services.db, stranger.user.id, 'their-public');
    assert.equal((await add(theirs)).status, 404);
    assert.equal((await add('their-public')).status, 201);
    assert.deepEqual(await slugsIn(), ['their-public']);
  });

  it('answers 404 for adding a package to another user\'s collection, by slug and by id', async () => {
    const stranger = await createAccount(stack.services);
    await insertPackage(stack.services.db, stranger.user.id, 'stranger-package');
    for (const ref of ['kit', collection.id]) {
      const res = await add('stranger-package', ref, stranger);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.message, 'Collection not found');
    }
  });

  it('answers 422 for a missing or mistyped packageId and for unknown fields', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /PackageId can't be blank/],
      [{ packageId: null }, /PackageId must be a package slug or a positive integer id/],
      [{ packageId: true }, /PackageId must be/],
      [{ packageId: 1.5 }, /PackageId must be/],
      [{ packageId: -3 }, /PackageId must be/],
      [{ packageId: '' }, /PackageId must be/],
      [{ packageId: 'bad\u0000slug' }, /PackageId must be/],
      [{ packageId: ['a'] }, /PackageId must be/],
      [{ packageId: 'a', extra: 1 }, /Unrecognized key/],
    ];
    for (const [json, message] of cases) {
      const res = await request(stack.url(members()), { method: 'POST', headers: account.auth, json });
      assert.equal(res.status, 422, JSON.stringify(json));
      assert.equal(res.body.error.code, 'unprocessable');
      assert.match(res.body.error.message, message, JSON.stringify(res.body));
    }
  });
});
