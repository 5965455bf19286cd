import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueStaleMetadataRefreshes } from '../../src/domain/package-metadata';
import { refreshPackageMetadata } from '../../src/workers/refresh-package-metadata';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { buildPackageRepo, startGitUpstream, type GitUpstream } from '../helpers/git-upstream';
import { request } from '../helpers/http';
import { buildRepo, startFakeGithubApi, type FakeGithubApi } from '../helpers/metadata-fixtures';
import { useStack } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

const FOLDER = 'Packages/com.acme.tool';

function manifest(version: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'com.acme.tool',
    displayName: 'Acme Tool',
    version,
    unity: '2022.3',
    unityRelease: '10f1',
    description: 'Tools for\u0000 acme\nthings',
    keywords: ['Editor Tools', 'editor-tools', 'UI', '  ', 42, 'Ünïcode Stuff!'],
    ...extra,
  });
}

const README = '# Acme Tool\n\nInstall it.\n';

describe('package metadata from the upstream package.json', function () {
  this.timeout(30_000);
  let root: string;
  let upstream: GitUpstream;
  let github: FakeGithubApi;
  let account: TestAccount;
  const { stack } = useStack({ workers: { queues: ['metadata'] }, env: {} });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'lt-meta-upstream-'));
    buildRepo(root, 'acme', 'tool', [
      { tag: 'v1.0.0', files: { [`${FOLDER}/package.json`]: manifest('1.0.0'), 'README.md': README } },
      { tag: 'v2.0.0', files: { [`${FOLDER}/package.json`]: manifest('2.0.0'), [`${FOLDER}/README.md`]: '# Version two\n' } },
    ]);
    buildRepo(root, 'acme', 'broken', [{ tag: 'v1', files: { 'package.json': '{"name": ' } }]);
    buildRepo(root, 'acme', 'hostile', [{ tag: 'v1', files: { 'package.json': JSON.stringify({ name: 'x'.repeat(5000), version: '1.0.0; rm -rf /', displayName: '<script>alert(1)</script>', keywords: Array.from({ length: 500 }, (_, i) => `kw${i}`) }) } }]);
    buildPackageRepo(root, 'private', 'secret');
    upstream = await startGitUpstream(root);
    github = await startFakeGithubApi();
    // The stack's config is read at start, so point it at these servers now.
    Object.assign(stack.services.config, {
      gitUpstreams: { github: upstream.baseUrl, gitlab: upstream.baseUrl, bitbucket: upstream.baseUrl },
      githubApiUrl: github.baseUrl,
      metadataFetchTimeoutMs: 10_000,
    });
  });

  after(async () => {
    await upstream?.close();
    await github?.close();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    account = await createAccount(stack.services);
    github.stars.clear();
    github.down = false;
    upstream.metadataSeen.length = 0;
  });

  async function createPackage(body: Record<string, unknown>): Promise<{ id: number; slug: string }> {
    const res = await request(stack.url('/api/v1/packages'), { method: 'POST', headers: account.auth, json: body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const row = await stack.services.db('packages').select('id', 'slug').where({ slug: res.body.slug }).first();
    return row as { id: number; slug: string };
  }

  async function stored(id: number) {
    return stack.services.db('packages').where({ id }).first();
  }

  it('fills name, display name, description, version, Unity version, topics, README and stars once a package is created', async () => {
    github.stars.set('acme/tool', 42);
    const pkg = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}#v1.0.0`, slug: 'acme-tool' });
    const row = await waitFor(async () => {
      const r = await stored(pkg.id);
      return r.metadata_fetched_at ? r : undefined;
    }, { what: 'the metadata job' });
    assert.equal(row.metadata_error, null);
    assert.equal(row.package_json_name, 'com.acme.tool');
    assert.equal(row.display_name, 'Acme Tool');
    assert.equal(row.description, 'Tools for acme things');
    assert.equal(row.version, '1.0.0');
    assert.equal(row.unity_version, '2022.3.10f1');
    assert.deepEqual(row.topics, ['editor-tools', 'ui', 'ünïcode-stuff']);
    // No README in the package's folder at v1.0.0: the repository's own.
    assert.equal(row.readme, README);
    assert.equal(row.readme_html, '<h1>Acme Tool</h1>\n<p>Install it.</p>', 'rendered once, by the worker');
    assert.equal(row.github_stars, 42);
    assert.equal(row.search !== null, true);
  });

  it('reads the package at its ref: a later tag has the later version and its folder README', async () => {
    const pkg = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}#v2.0.0`, slug: 'acme-tool-2' });
    await stack.services.queues.queue('metadata').obliterate({ force: true });
    assert.deepEqual(await refreshPackageMetadata(stack.services, { packageId: pkg.id }), { outcome: 'updated' });
    const row = await stored(pkg.id);
    assert.equal(row.version, '2.0.0');
    assert.equal(row.readme, '# Version two\n');
  });

  it('fetches shallow and without file contents first, then only the blobs it reads, and leaves no temporary folder', async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('lt-metadata-'));
    const pkg = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}#v1.0.0`, slug: 'acme-tool-3' });
    await waitFor(async () => (await stored(pkg.id)).metadata_fetched_at, { what: 'the metadata job' });
    // The fetch (ref listing, then the commit and its trees), then one more connection per blob
    // read (package.json, README): what a --filter=blob:none fetch does, never a full clone.
    const connections = upstream.metadataSeen.filter((r) => r.url.endsWith('/info/refs?service=git-upload-pack'));
    const packs = upstream.metadataSeen.filter((r) => r.method === 'POST' && r.url.endsWith('/git-upload-pack'));
    assert.equal(connections.length, 3, JSON.stringify(upstream.metadataSeen.map((r) => r.url)));
    assert.equal(packs.length, 4, JSON.stringify(upstream.metadataSeen.map((r) => r.url)));
    assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith('lt-metadata-')), before);
  });

  it('refreshes on the owner\'s demand (POST /api/v1/packages/:slug/refresh), and to nobody else', async () => {
    const pkg = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}#v1.0.0`, slug: 'acme-refresh' });
    await waitFor(async () => (await stored(pkg.id)).metadata_fetched_at, { what: 'the first metadata job' });
    await stack.services.db('packages').where({ id: pkg.id }).update({ version: null, metadata_fetched_at: null });
    const res = await request(stack.url('/api/v1/packages/acme-refresh/refresh'), { method: 'POST', headers: account.auth });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { queued: true, slug: 'acme-refresh' });
    const row = await waitFor(async () => {
      const r = await stored(pkg.id);
      return r.metadata_fetched_at ? r : undefined;
    }, { what: 'the refresh' });
    assert.equal(row.version, '1.0.0');

    const stranger = await createAccount(stack.services);
    const other = await request(stack.url('/api/v1/packages/acme-refresh/refresh'), { method: 'POST', headers: stranger.auth });
    assert.equal(other.status, 404);
    assert.deepEqual(Object.keys(other.body), ['error']);
    const anonymous = await request(stack.url('/api/v1/packages/acme-refresh/refresh'), { method: 'POST' });
    assert.equal(anonymous.status, 401);
  });

  it('leaves the fields the owner set by hand alone', async () => {
    const pkg = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}#v1.0.0`, slug: 'acme-tool-4', description: 'Mine' });
    await stack.services.queues.queue('metadata').obliterate({ force: true });
    await stack.services.db('packages').where({ id: pkg.id }).update({ metadata_overrides: ['description', 'topics'], topics: ['handpicked'] });
    await refreshPackageMetadata(stack.services, { packageId: pkg.id });
    const row = await stored(pkg.id);
    assert.equal(row.description, 'Mine');
    assert.deepEqual(row.topics, ['handpicked']);
    assert.equal(row.version, '1.0.0');
  });

  it('records why a package could not be read and keeps what it knew: a missing ref, invalid JSON, a private upstream', async () => {
    const pkg = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}#v1.0.0`, slug: 'acme-tool-5' });
    await waitFor(async () => (await stored(pkg.id)).metadata_fetched_at, { what: 'the metadata job' });
    await stack.services.db('packages').where({ id: pkg.id }).update({ git_ref: 'v9.9.9' });
    assert.deepEqual(await refreshPackageMetadata(stack.services, { packageId: pkg.id }), { outcome: 'failed', error: 'ref "v9.9.9" not found in the upstream repository' });
    const row = await stored(pkg.id);
    assert.equal(row.version, '1.0.0');
    assert.equal(row.metadata_error, 'ref "v9.9.9" not found in the upstream repository');

    const broken = await createPackage({ git_url: 'https://github.com/acme/broken.git', slug: 'acme-broken' });
    assert.deepEqual(await refreshPackageMetadata(stack.services, { packageId: broken.id }), { outcome: 'failed', error: 'package.json is not valid JSON' });

    const secret = await createPackage({ git_url: 'https://github.com/private/secret.git?path=Packages/com.example.package', slug: 'private-secret' });
    assert.deepEqual(await refreshPackageMetadata(stack.services, { packageId: secret.id }), { outcome: 'failed', error: 'the upstream repository needs credentials (private)' });

    const missing = await createPackage({ git_url: 'https://github.com/acme/tool.git?path=Packages/nothing-here', slug: 'acme-missing' });
    assert.deepEqual(await refreshPackageMetadata(stack.services, { packageId: missing.id }), { outcome: 'failed', error: 'no package.json in "Packages/nothing-here"' });
  });

  it('bounds hostile package.json values and never stores markup as anything but text', async () => {
    const pkg = await createPackage({ git_url: 'https://github.com/acme/hostile.git', slug: 'acme-hostile' });
    await stack.services.queues.queue('metadata').obliterate({ force: true });
    await refreshPackageMetadata(stack.services, { packageId: pkg.id });
    const row = await stored(pkg.id);
    assert.equal(row.package_json_name.length, 214);
    assert.equal(row.version, null, 'a version with spaces and ; is not a version');
    assert.equal(row.display_name, '<script>alert(1)</script>', 'kept as text; every page escapes it');
    assert.equal(row.topics.length, 20);
  });

  it('gives up on an upstream that does not answer in time', async () => {
    stack.services.config.metadataFetchTimeoutMs = 1000;
    try {
      const pkg = await createPackage({ git_url: 'https://github.com/slow/never.git', slug: 'slow-never' });
      await stack.services.queues.queue('metadata').obliterate({ force: true });
      const started = Date.now();
      assert.deepEqual(await refreshPackageMetadata(stack.services, { packageId: pkg.id }), { outcome: 'failed', error: 'the upstream repository did not answer in time' });
      assert.ok(Date.now() - started < 5000);
    } finally {
      stack.services.config.metadataFetchTimeoutMs = 10_000;
    }
  });

  it('takes stars only from GitHub: none for another host, none for an unknown repository, the last known while GitHub is down', async () => {
    const onGitlab = await createPackage({ git_url: `https://gitlab.com/acme/tool.git?path=${FOLDER}`, slug: 'acme-gitlab' });
    github.stars.set('acme/tool', 7);
    const onGithub = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}`, slug: 'acme-github' });
    await stack.services.queues.queue('metadata').obliterate({ force: true });
    await refreshPackageMetadata(stack.services, { packageId: onGitlab.id });
    await refreshPackageMetadata(stack.services, { packageId: onGithub.id });
    assert.equal((await stored(onGitlab.id)).github_stars, null);
    assert.equal((await stored(onGithub.id)).github_stars, 7);
    assert.ok(!github.requests.some((r) => r.url.includes('gitlab')));

    github.down = true;
    await refreshPackageMetadata(stack.services, { packageId: onGithub.id });
    assert.equal((await stored(onGithub.id)).github_stars, 7, 'unreachable: the last known count stays');

    github.down = false;
    github.stars.clear();
    await refreshPackageMetadata(stack.services, { packageId: onGithub.id });
    assert.equal((await stored(onGithub.id)).github_stars, null, 'GitHub says there is no such repository');
  });

  it('queues the stalest packages first, never-read ones before all, a batch at a time', async () => {
    await stack.workers?.workers[0]?.pause();
    try {
      const a = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}`, slug: 'stale-a' });
      const b = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}`, slug: 'stale-b' });
      const c = await createPackage({ git_url: `https://github.com/acme/tool.git?path=${FOLDER}`, slug: 'stale-c' });
      await stack.services.queues.queue('metadata').obliterate({ force: true });
      const hours = (n: number) => new Date(Date.now() - n * 3600_000);
      await stack.services.db('packages').where({ id: a.id }).update({ metadata_fetched_at: hours(30) });
      await stack.services.db('packages').where({ id: b.id }).update({ metadata_fetched_at: null });
      await stack.services.db('packages').where({ id: c.id }).update({ metadata_fetched_at: hours(1) });
      assert.equal(await queueStaleMetadataRefreshes(stack.services, { batch: 1, staleAfterHours: 24 }), 1);
      const waiting = await stack.services.queues.queue('metadata').getJobs(['waiting']);
      assert.deepEqual(waiting.map((j) => j.data.packageId), [b.id]);
      assert.equal(await queueStaleMetadataRefreshes(stack.services, { batch: 10, staleAfterHours: 24 }), 2, 'b again (still waiting, queued once) and a; c is fresh');
      const ids = (await stack.services.queues.queue('metadata').getJobs(['waiting'])).map((j) => j.data.packageId).sort();
      assert.deepEqual(ids, [a.id, b.id].sort());
    } finally {
      stack.workers?.workers[0]?.resume();
    }
  });
});
