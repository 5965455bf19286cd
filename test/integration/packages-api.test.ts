import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

/** The public side's fields, on every package object (the pkglnk client's PackageData). */
const PUBLIC_FIELDS = ['description', 'updated_at', 'package_json_name', 'version', 'unity_version', 'topics', 'github_stars', 'is_listed', 'card_image_url', 'card_image_png_url'];
const LIST_FIELDS = [...new Set(['slug', 'display_name', 'git_platform', 'git_owner', 'git_repo', 'git_path', 'git_ref', 'is_private', 'total_installs', 'created_at', 'install_url', 'id', 'badge_url', 'kind', 'nuget_id', ...PUBLIC_FIELDS])].sort();
const DETAIL_FIELDS = [...LIST_FIELDS, 'unique_ips', 'metadata_overrides'].sort();

describe('The packages API', () => {
  const { stack, account } = useStackWithAccount({ env: { PUBLIC_BASE_URL: 'https://pkg.example' } });

  const create = (json: unknown, auth = account.auth) => request(stack.url('/api/v1/packages'), { method: 'POST', headers: auth, json });

  it('creates a package from a git URL with path and ref, and returns every documented field plus the install URL', async () => {
    const res = await create({ git_url: 'https://github.com/owner/repo.git?path=Packages/com.example.package#v1.0.0', slug: 'my-package', display_name: 'My Package', description: 'Useful' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), DETAIL_FIELDS);
    assert.deepEqual(
      { ...res.body, id: undefined, created_at: undefined, updated_at: undefined },
      {
        slug: 'my-package', display_name: 'My Package', description: 'Useful', git_platform: 'github', git_owner: 'owner', git_repo: 'repo',
        git_path: 'Packages/com.example.package', git_ref: 'v1.0.0', is_private: false, total_installs: 0, unique_ips: 0,
        install_url: 'https://pkg.example/my-package.git?path=Packages/com.example.package#v1.0.0', created_at: undefined, updated_at: undefined,
        id: undefined, badge_url: 'https://pkg.example/badge/my-package.svg', kind: 'upm', nuget_id: null,
        package_json_name: null, version: null, unity_version: null, topics: [], github_stars: null, is_listed: true,
        card_image_url: 'https://pkg.example/card/my-package.svg', card_image_png_url: 'https://pkg.example/card/my-package.png',
        metadata_overrides: ['display_name', 'description'],
      },
    );
    assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('creates from separate fields, deriving slug and display name from the repository', async () => {
    const res = await create({ git_platform: 'gitlab', git_owner: 'group/sub', git_repo: 'Cool.Tool', is_private: true });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.slug, 'cool-tool');
    assert.equal(res.body.display_name, 'Cool.Tool');
    assert.equal(res.body.git_owner, 'group/sub');
    assert.equal(res.body.is_private, true);
    assert.equal(res.body.install_url, 'https://pkg.example/cool-tool.git');
  });

  it('lists only the caller’s packages with the list fields and a total, and pages with limit and offset', async () => {
    const other = await createAccount(stack.services);
    await create({ git_url: 'https://github.com/o/theirs.git' }, other.auth);
    for (const name of ['a', 'b', 'c']) assert.equal((await create({ git_url: `https://github.com/o/${name}.git` })).status, 201);
    const all = await request(stack.url('/api/v1/packages'), { headers: account.auth });
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 3);
    assert.deepEqual(all.body.packages.map((p: { slug: string }) => p.slug), ['c', 'b', 'a']);
    assert.deepEqual(Object.keys(all.body.packages[0]).sort(), LIST_FIELDS);
    const page = await request(stack.url('/api/v1/packages?limit=1&offset=1'), { headers: account.auth });
    assert.deepEqual(page.body.packages.map((p: { slug: string }) => p.slug), ['b']);
    assert.equal(page.body.total, 3);
  });

  it('answers 400 in the pkglnk envelope for a malformed list query', async () => {
    for (const query of ['limit=0', 'limit=abc', 'offset=-1', 'limit=5000']) {
      const res = await request(stack.url(`/api/v1/packages?${query}`), { headers: account.auth });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'bad_request');
    }
  });

  it('answers 409 conflict for a slug already taken, by anyone', async () => {
    const other = await createAccount(stack.services);
    assert.equal((await create({ git_url: 'https://github.com/o/r.git', slug: 'taken' }, other.auth)).status, 201);
    const res = await create({ git_url: 'https://github.com/me/r.git', slug: 'Taken' });
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, { error: { code: 'conflict', message: 'Slug "taken" is already taken' } });
  });

  it('answers 422 unprocessable with a readable message for every kind of bad body', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /Give git_url, or git_platform/],
      [{ git_url: 'https://example.com/o/r.git' }, /github.com, gitlab.com or bitbucket.org/],
      [{ git_url: 42 }, /Git url must be a string/],
      [{ git_platform: 'sourceforge', git_owner: 'o', git_repo: 'r' }, /Git platform must be github, gitlab or bitbucket/],
      [{ git_platform: 'github', git_owner: 'a/b', git_repo: 'r' }, /single github/],
      [{ git_platform: 'github', git_owner: 'o', git_repo: 'r', git_path: '../x' }, /relative folder/],
      [{ git_platform: 'github', git_owner: 'o', git_repo: 'r', git_ref: 'a..b' }, /branch, tag or commit/],
      [{ git_url: 'https://github.com/o/r.git', git_platform: 'github' }, /not both/],
      [{ git_url: 'https://github.com/o/r.git', slug: 'Not OK!' }, /lower-case letters/],
      [{ git_url: 'https://github.com/o/r.git', slug: 'track' }, /reserved/],
      [{ git_url: 'https://github.com/o/api.git' }, /reserved.*give a slug/],
      [{ git_url: 'https://github.com/o/r.git', display_name: '  ' }, /Display name can't be blank/],
      [{ git_url: 'https://github.com/o/r.git', is_private: 'yes' }, /Is private must be true or false/],
      [{ git_url: 'https://github.com/o/r.git', description: 'x'.repeat(2001) }, /Description is too long/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.body.error.code, 'unprocessable');
      assert.match(res.body.error.message, message, JSON.stringify(res.body));
    }
    assert.equal((await stack.services.db('packages').count({ n: '*' }))[0]?.n, 0);
  });

  it('answers 400 for a body that is not JSON, in the pkglnk envelope', async () => {
    const res = await request(stack.url('/api/v1/packages'), { method: 'POST', headers: { ...account.auth, 'content-type': 'application/json' }, body: '{"git_url":' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_request');
  });

  it('updates fields, moves the ref alone, clears the path with null, and renames the slug', async () => {
    await create({ git_url: 'https://github.com/o/r.git?path=Packages/x#v1', slug: 'pkg-1' });
    const res = await request(stack.url('/api/v1/packages/pkg-1'), { method: 'PATCH', headers: account.auth, json: { git_ref: 'v2', git_path: null, display_name: 'Renamed', description: 'New', is_private: true, slug: 'pkg-2' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.slug, 'pkg-2');
    assert.equal(res.body.git_ref, 'v2');
    assert.equal(res.body.git_path, null);
    assert.equal(res.body.git_owner, 'o');
    assert.equal(res.body.display_name, 'Renamed');
    assert.equal(res.body.is_private, true);
    assert.equal(res.body.install_url, 'https://pkg.example/pkg-2.git#v2');
    assert.equal((await request(stack.url('/api/v1/packages/pkg-1'), { headers: account.auth })).status, 404);
    const moved = await request(stack.url('/api/v1/packages/pkg-2'), { method: 'PATCH', headers: account.auth, json: { git_url: 'https://bitbucket.org/team/other.git' } });
    assert.equal(moved.body.git_platform, 'bitbucket');
    assert.equal(moved.body.git_ref, null);
  });

  it('refuses an empty update, a bad field and a slug taken by another package', async () => {
    await create({ git_url: 'https://github.com/o/a.git' });
    await create({ git_url: 'https://github.com/o/b.git' });
    const empty = await request(stack.url('/api/v1/packages/a'), { method: 'PATCH', headers: account.auth, json: {} });
    assert.equal(empty.status, 422);
    const bad = await request(stack.url('/api/v1/packages/a'), { method: 'PATCH', headers: account.auth, json: { git_owner: 'x/y' } });
    assert.equal(bad.status, 422);
    const clash = await request(stack.url('/api/v1/packages/a'), { method: 'PATCH', headers: account.auth, json: { slug: 'b' } });
    assert.equal(clash.status, 409);
  });

  it('answers 404 for another user’s package on read, update and delete, and leaves it alone', async () => {
    const other = await createAccount(stack.services);
    await create({ git_url: 'https://github.com/o/secret.git' }, other.auth);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await request(stack.url('/api/v1/packages/secret'), { method, headers: account.auth, json: method === 'PATCH' ? { display_name: 'x' } : undefined });
      assert.equal(res.status, 404, method);
      assert.equal(res.body.error.code, 'not_found');
    }
    assert.equal((await request(stack.url('/api/v1/packages/secret'), { headers: other.auth })).body.display_name, 'secret');
  });

  it('deletes a package with 204', async () => {
    await create({ git_url: 'https://github.com/o/gone.git' });
    const res = await request(stack.url('/api/v1/packages/gone'), { method: 'DELETE', headers: account.auth });
    assert.equal(res.status, 204);
    assert.equal((await request(stack.url('/api/v1/packages/gone'), { headers: account.auth })).status, 404);
  });

  it('requires packages:read to read and packages:write to change', async () => {
    const reader = await createAccount(stack.services, { scopes: ['packages:read'] });
    assert.equal((await request(stack.url('/api/v1/packages'), { headers: reader.auth })).status, 200);
    const denied = await create({ git_url: 'https://github.com/o/r.git' }, reader.auth);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'forbidden');
    const writer = await createAccount(stack.services, { scopes: ['packages:write'] });
    assert.equal((await request(stack.url('/api/v1/packages'), { headers: writer.auth })).status, 403);
    assert.equal((await request(stack.url('/api/v1/packages'))).body.error.code, 'unauthorized');
  });
});
