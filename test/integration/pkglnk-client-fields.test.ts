import assert from 'node:assert/strict';
import { addCollectionPackage, insertCollection } from '../../src/db/collection-store';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { fetchBookmarks, fetchCollection, fetchCollections, fetchDirectory, fetchUserPackages, toggleBookmark } from '../helpers/pkglnk-client';
import { seedPublicPackage } from '../helpers/public-packages';
import { useStack } from '../helpers/use-stack';

/**
 * Field by field, the objects the pkglnk Unity client (v0.10.6) deserialises with JsonUtility:
 * Editor/Api/PackageData.cs, CollectionData.cs and DirectoryResponse.cs, each field with the
 * JSON type its C# type reads. `nullable`: we answer null when there is no value (never an
 * invented one), which the client's string.IsNullOrEmpty / `> 0` checks read as absent.
 */
type JsonType = 'string' | 'integer' | 'boolean' | 'string[]';
type Field = [name: string, type: JsonType, nullable?: 'nullable'];

const PACKAGE_DATA: Field[] = [
  ['id', 'string'], ['slug', 'string'], ['display_name', 'string'], ['git_platform', 'string'], ['git_owner', 'string'], ['git_repo', 'string'],
  ['git_path', 'string', 'nullable'], ['git_ref', 'string', 'nullable'], ['description', 'string', 'nullable'], ['package_json_name', 'string', 'nullable'],
  ['topics', 'string[]'], ['github_stars', 'integer', 'nullable'], ['card_image_url', 'string', 'nullable'], ['card_image_png_url', 'string', 'nullable'],
  ['updated_at', 'string'], ['created_at', 'string'], ['is_private', 'boolean'],
];
/** Declared by PackageData but read nowhere in the client; a Linktally package has no short code (it is installed by its slug), so none is served. */
const NOT_SERVED = ['short_code'];

const COLLECTION_DATA: Field[] = [
  ['id', 'string'], ['user_id', 'string'], ['slug', 'string'], ['name', 'string'], ['description', 'string', 'nullable'], ['tags', 'string[]'],
  ['package_count', 'integer'], ['owner_username', 'string'], ['owner_avatar_url', 'string', 'nullable'], ['created_at', 'string'], ['updated_at', 'string'],
];

function typeOf(value: unknown): JsonType | 'null' | 'other' {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Number.isSafeInteger(value)) return 'integer';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return 'string[]';
  return 'other';
}

function assertShape(object: Record<string, unknown>, fields: Field[], where: string, nulls: Set<string>): void {
  for (const [name, type, nullable] of fields) {
    assert.ok(name in object, `${where}: ${name} is served`);
    const actual = typeOf(object[name]);
    if (actual === 'null') {
      assert.equal(nullable, 'nullable', `${where}: ${name} is never null`);
      nulls.add(name);
    } else {
      assert.equal(actual, type, `${where}: ${name} is a JSON ${type}`);
    }
  }
}

describe('the pkglnk client’s PackageData, CollectionData and DirectoryResponse, field by field', () => {
  const { stack } = useStack();
  let reader: TestAccount;

  beforeEach(async () => {
    const owner = await createAccount(stack.services);
    reader = await createAccount(stack.services);
    await stack.services.db('users').where({ id: owner.user.id }).update({ username: 'acme-owner', avatar_url: 'https://example.com/a.png' });
    // One package with every value, one with none of the optional ones.
    const full = await seedPublicPackage(stack.services, { slug: 'full-tool', userId: owner.user.id, github_stars: 42 });
    const bare = await seedPublicPackage(stack.services, { slug: 'bare-tool', userId: owner.user.id });
    await stack.services.db('packages').where({ id: bare }).update({ description: null, github_stars: null, package_json_name: null, git_path: null, git_ref: null, topics: [] });
    const collection = await insertCollection(stack.services.db, owner.user.id, { slug: 'kit', name: 'Kit', description: null, tags: ['tools'] });
    await stack.services.db('collections').where({ id: collection.id }).update({ is_public: true });
    for (const id of [full, bare]) await addCollectionPackage(stack.services.db, collection.id, id);
  });

  it('serves every PackageData field the client reads with its JSON type, wherever a package list is read', async () => {
    const directory = await fetchDirectory(stack.baseUrl, '', '', 1);
    const body = JSON.parse(directory.text) as { packages: Array<Record<string, unknown>>; hasMore: unknown; totalCount: unknown; installCounts: Record<string, unknown> };
    assert.equal(typeOf(body.hasMore), 'boolean');
    assert.equal(typeOf(body.totalCount), 'integer');
    for (const [id, n] of Object.entries(body.installCounts)) assert.equal(typeOf(n), 'integer', id);

    const bookmarked = body.packages.map((p) => p.id as string);
    for (const id of bookmarked) assert.equal((await toggleBookmark(stack.baseUrl, reader.token, id)).status, 200);
    const lists = {
      '/api/directory': body.packages,
      '/api/v1/bookmarks': (JSON.parse((await fetchBookmarks(stack.baseUrl, reader.token)).text) as typeof body).packages,
      '/api/collections/{slug}': (JSON.parse((await fetchCollection(stack.baseUrl, 'kit')).text) as typeof body).packages,
    };
    const nulls = new Set<string>();
    for (const [where, packages] of Object.entries(lists)) {
      assert.equal(packages.length, 2, where);
      for (const pkg of packages) {
        assertShape(pkg, PACKAGE_DATA, where, nulls);
        for (const name of NOT_SERVED) assert.ok(!(name in pkg), `${where}: ${name} is not served`);
      }
    }
    assert.deepEqual([...nulls].sort(), ['description', 'git_path', 'git_ref', 'github_stars', 'package_json_name'], 'null only where there is no value');
  });

  it('serves the signed-in user’s own packages in the same shape, private ones with no card', async () => {
    await seedPublicPackage(stack.services, { slug: 'own-secret', userId: reader.user.id, is_private: true });
    const own = JSON.parse((await fetchUserPackages(stack.baseUrl, reader.token)).text) as { packages: Array<Record<string, unknown>>; hasMore: unknown; totalCount: unknown };
    assert.equal(typeOf(own.hasMore), 'boolean');
    assert.equal(typeOf(own.totalCount), 'integer');
    const nulls = new Set<string>();
    for (const pkg of own.packages) assertShape(pkg, PACKAGE_DATA, '/api/v1/packages', nulls);
    assert.deepEqual([...nulls].sort(), ['card_image_png_url', 'card_image_url']);
  });

  it('serves every CollectionData field with its JSON type, in the list and the detail', async () => {
    const list = JSON.parse((await fetchCollections(stack.baseUrl, '', '', 0)).text) as { collections: Array<Record<string, unknown>>; totalCount: unknown };
    assert.equal(typeOf(list.totalCount), 'integer');
    const detail = JSON.parse((await fetchCollection(stack.baseUrl, 'kit')).text) as { collection: Record<string, unknown> };
    const nulls = new Set<string>();
    for (const [where, collection] of [['/api/collections', list.collections[0]], ['/api/collections/{slug}', detail.collection]] as const) {
      assert.ok(collection, where);
      assertShape(collection, COLLECTION_DATA, where, nulls);
      assert.equal(collection.package_count, 2);
      assert.equal(collection.owner_avatar_url, 'https://example.com/a.png');
    }
    assert.deepEqual([...nulls], ['description']);
  });
});
