import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { advanceInstalls } from '../../src/db/install-session-store';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { git, runGit, startPackageUpstream, type GitUpstream } from '../helpers/git-upstream';
import { request } from '../helpers/http';
import { buildInstallUrl, CLIENT_UA, collectionMembership, generateInstallId, gitUrlOf, notifyInstallStart, parsePhase, pollProgress } from '../helpers/pkglnk-client';
import { startStack, type Stack } from '../helpers/stack';
import { drainQueues, waitFor } from '../helpers/wait';

const pkt = (line: string) => `${(line.length + 5).toString(16).padStart(4, '0')}${line}\n`;
const LS_REFS = pkt('command=ls-refs') + '0001' + pkt('peel') + '0000';

describe('Installs as the pkglnk Unity client makes them', function () {
  this.timeout(60_000);
  let upstream: GitUpstream;
  let stack: Stack;
  let account: TestAccount;
  let scratch: string;

  before(async () => {
    upstream = await startPackageUpstream(['owner', 'pkg']);
    stack = await startStack({ workers: true, env: { GIT_UPSTREAM_GITHUB: upstream.baseUrl } });
  });
  after(async () => {
    await stack.stop();
    await upstream.close();
  });
  beforeEach(async () => {
    await stack.reset();
    upstream.seen.length = 0;
    account = await createAccount(stack.services);
    scratch = mkdtempSync(join(tmpdir(), 'lt-upm-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  async function createPackage(body: Record<string, unknown>): Promise<Record<string, any>> {
    const res = await request(stack.url('/api/v1/packages'), { method: 'POST', headers: account.auth, json: body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  async function settled(): Promise<void> {
    const web = stack.web;
    await waitFor(() => web.installTracker.inFlight === 0 && web.installs.pending === 0 && web.installProgress.pending === 0, { what: 'install events to be queued' });
    await drainQueues(stack.services);
  }

  const events = async () => {
    await settled();
    return stack.services.db('install_events').orderBy('occurred_at').orderBy('id').select('*');
  };
  const analytics = async (slug: string) => (await request(stack.url(`/api/v1/packages/${slug}/analytics?days=1`), { headers: account.auth })).body;
  const badgeText = async (slug: string) => /aria-label="([^"]*)"/.exec(await (await fetch(stack.url(`/badge/${slug}.svg`))).text())?.[1];

  it('installs from the client’s URL with an install id: upstream never sees it, the phase reaches complete, and it is one install from pkglnk-unity-window', async () => {
    const pkg = await createPackage({ git_url: 'https://github.com/owner/pkg.git?path=Packages/com.example.package#v1.0.0', slug: 'example' });
    const installId = generateInstallId();
    const started = await notifyInstallStart(stack.baseUrl, pkg.slug, installId);
    assert.equal(started.status, 201);
    const first = await pollProgress(stack.baseUrl, installId);
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(JSON.parse(first.text)), ['phase', 'created_at', 'updated_at']);
    assert.equal(parsePhase(first.text), 'pending');

    // UPM: git ls-remote, then a clone, of the URL without its #ref.
    const url = gitUrlOf(buildInstallUrl(stack.baseUrl, pkg as { slug: string; git_path: string; git_ref: string }, installId));
    assert.equal(url, `${stack.baseUrl}/example.git?path=Packages%2Fcom.example.package&install=${installId}`);
    const listed = await runGit(['ls-remote', url]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /refs\/tags\/v1\.0\.0/);
    const cloned = await runGit(['clone', '-q', '--branch', 'v1.0.0', url, join(scratch, 'c')]);
    assert.equal(cloned.code, 0, cloned.stderr);

    const done = await waitFor(async () => {
      const poll = await pollProgress(stack.baseUrl, installId);
      return poll.text.includes('"phase":"complete"') && poll.text;
    }, { what: 'phase complete' });
    assert.equal(JSON.parse(done).phase, 'complete');
    assert.ok(upstream.seen.length >= 4);
    for (const seen of upstream.seen) {
      assert.ok(seen.url.startsWith('/owner/pkg.git/'), seen.url);
      assert.ok(!/install|path=/.test(seen.url), `${seen.url} carries the client's query upstream`);
    }

    const stored = await events();
    assert.deepEqual(new Set(stored.map((e) => e.session_id)), new Set([`sess_${installId}`]), 'the install id decides the session');
    assert.ok(stored.every((e) => e.install_id === installId));
    assert.equal(stored.filter((e) => e.delivered).length, 1, 'one delivered pack');
    const report = await analytics('example');
    assert.equal(report.totals.installs, 1);
    assert.deepEqual(report.by_source, { 'pkglnk-unity-window': 1 });
    assert.equal(await badgeText('example'), 'pkglnk: 1 install');
  });

  it('accepts the query before the smart-HTTP path in every form git writes, on both URL shapes, and forwards none of it', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'forms' });
    const id = generateInstallId();
    const refs = [
      `/forms.git?install=${id}/info/refs?service=git-upload-pack`,
      `/forms.git?install=${id}/info/refs&service=git-upload-pack`,
      `/track/forms.git?path=Packages/com.example.package&install=${id}/info/refs&service=git-upload-pack`,
      `/forms.git?path=Packages%2Fcom.example.package&install=${id}/info/refs?service=git-upload-pack`,
      `/forms.git%3Finstall%3D${id}/info/refs?service=git-upload-pack`,
    ];
    for (const path of refs) {
      const res = await fetch(stack.url(path), { headers: { 'user-agent': 'git/2.43.0' } });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'application/x-git-upload-pack-advertisement', path);
      await res.arrayBuffer();
    }
    const post = await fetch(stack.url(`/track/forms.git?install=${id}/git-upload-pack`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'git-protocol': 'version=2', 'user-agent': 'git/2.43.0' },
      body: LS_REFS,
    });
    assert.equal(post.status, 200);
    assert.match(await post.text(), /refs\/heads\/main/);
    const lfs = await fetch(stack.url(`/forms.git?install=${id}/info/lfs/objects/batch`), {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.git-lfs+json', 'user-agent': 'git-lfs/3.4.0' },
      body: JSON.stringify({ operation: 'download', objects: [] }),
    });
    assert.equal(lfs.status, 200);
    await lfs.arrayBuffer();
    assert.deepEqual(upstream.seen.map((s) => s.url), [
      ...refs.map(() => '/owner/pkg.git/info/refs?service=git-upload-pack'),
      '/owner/pkg.git/git-upload-pack',
      '/owner/pkg.git/info/lfs/objects/batch',
    ]);
    const stored = await events();
    assert.deepEqual(stored.map((e) => e.event_type), ['clone_start', 'clone_start', 'clone_start', 'clone_start', 'clone_start', 'clone_start', 'lfs'], 'the v2 ls-refs POST is ref discovery');
    assert.ok(stored.every((e) => e.install_id === id && !e.delivered));
    assert.equal(parsePhase((await pollProgress(stack.baseUrl, id)).text), 'resolving', 'the proxy saw the install before install-start: the id is known');
  });

  it('counts three clones in a row from one machine as three installs with three session ids, and ls-remote then clone as one', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'thrice' });
    assert.equal((await runGit(['ls-remote', stack.url('/thrice.git')])).code, 0);
    for (const n of [1, 2, 3]) assert.equal((await runGit(['clone', '-q', stack.url('/thrice.git'), join(scratch, `c${n}`)])).code, 0);
    const stored = await events();
    const delivered = stored.filter((e) => e.delivered);
    assert.equal(delivered.length, 3);
    assert.equal(new Set(delivered.map((e) => e.session_id)).size, 3);
    assert.equal(new Set(stored.map((e) => e.session_id)).size, 3, 'the ls-remote shares the first clone’s session');
    const detail = await request(stack.url('/api/v1/packages/thrice'), { headers: account.auth });
    assert.equal(detail.body.total_installs, 3);
    const report = await analytics('thrice');
    assert.equal(report.totals.installs, 3);
    assert.deepEqual(report.by_source, { direct: 3 });
    assert.equal(await badgeText('thrice'), 'pkglnk: 3 installs');
  });

  it('counts a fetch that downloads objects as an install, and a fetch with nothing new, negotiation and gzip ls-refs as none', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'fetches' });
    assert.equal((await runGit(['-c', 'protocol.version=0', 'clone', '-q', '--depth', '1', stack.url('/fetches.git'), join(scratch, 'f')])).code, 0);
    assert.equal((await runGit(['-c', 'protocol.version=0', 'fetch', '-q', '--unshallow'], { cwd: join(scratch, 'f') })).code, 0);
    assert.equal((await runGit(['fetch', '-q'], { cwd: join(scratch, 'f') })).code, 0);
    const gzipped = await fetch(stack.url('/fetches.git/git-upload-pack'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip', 'git-protocol': 'version=2', 'user-agent': 'git/2.43.0' },
      body: gzipSync(LS_REFS),
    });
    assert.equal(gzipped.status, 200);
    await gzipped.arrayBuffer();
    // A new commit upstream, fetched over v2 with haves: the server may send the pack after `ready`, without `done`.
    const work = join(scratch, 'w');
    git(['clone', '-q', join(upstream.root, 'owner', 'pkg.git'), work]);
    git(['commit', '-q', '--allow-empty', '-m', 'Newer'], work);
    git(['push', '-q', 'origin', 'HEAD:main'], work);
    assert.equal((await runGit(['-c', 'protocol.version=2', 'fetch', '-q'], { cwd: join(scratch, 'f') })).code, 0);
    const stored = await events();
    assert.equal(stored.filter((e) => e.delivered).length, 3, 'the clone, the unshallowing fetch and the v2 fetch of the new commit');
    assert.equal((await request(stack.url('/api/v1/packages/fetches'), { headers: account.auth })).body.total_installs, 3);
  });

  it('moves a named install to failed when the upstream has no such repository', async () => {
    await createPackage({ git_platform: 'github', git_owner: 'owner', git_repo: 'missing', slug: 'gone' });
    const id = generateInstallId();
    assert.equal((await notifyInstallStart(stack.baseUrl, 'gone', id, 'pkglnk-web')).status, 201);
    const res = await runGit(['ls-remote', `${stack.baseUrl}/gone.git?install=${id}`]);
    assert.notEqual(res.code, 0);
    await waitFor(async () => (await pollProgress(stack.baseUrl, id)).text.includes('"phase":"failed"'), { what: 'phase failed' });
  });

  it('keeps phases moving forward only, whatever order the marks are stored in', async () => {
    const pkg = await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'order' });
    const packageId = (await stack.services.db('packages').where({ slug: pkg.slug }).first('id')).id as number;
    const installId = generateInstallId();
    const at = Date.now();
    await advanceInstalls(stack.services.db, [{ installId, packageId, phase: 'complete', at }, { installId, packageId, phase: 'resolving', at: at + 1 }]);
    await advanceInstalls(stack.services.db, [{ installId, packageId, phase: 'downloading', at: at + 2 }, { installId, packageId, phase: 'failed', at: at + 3 }]);
    assert.equal(JSON.parse((await pollProgress(stack.baseUrl, installId)).text).phase, 'complete');
    assert.equal((await notifyInstallStart(stack.baseUrl, 'order', installId)).status, 200, 'registering after the proxy saw it keeps the row');
  });

  it('answers bad install-start and install-progress requests with a clear 4xx in the pkglnk envelope, and limits them per address', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'strict' });
    const post = (body: string) => fetch(stack.url('/api/v1/install-start'), { method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': CLIENT_UA }, body });
    const cases: Array<[string, number, string]> = [
      ['{"slug":', 400, 'bad_request'],
      ['{"slug":"strict","install_id":"xyz","source":"pkglnk-unity-window"}', 422, 'unprocessable'],
      ['{"slug":"strict","install_id":"0123456789abcdef","source":"evil"}', 422, 'unprocessable'],
      ['{"slug":"strict"}', 422, 'unprocessable'],
      ['{"slug":"str\\u0000ict","install_id":"0123456789abcdef"}', 422, 'unprocessable'],
      ['{"slug":"nope","install_id":"0123456789abcdef","source":"pkglnk-web"}', 404, 'not_found'],
      ['[1]', 400, 'bad_request'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      assert.equal(res.status, status, body);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, code, body);
    }
    // An older client sends no source.
    assert.equal((await post('{"slug":"strict","install_id":"0123456789abcdef"}')).status, 201);
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'other' });
    assert.equal((await post('{"slug":"other","install_id":"0123456789abcdef"}')).status, 409, 'an id belongs to one package');
    assert.equal((await pollProgress(stack.baseUrl, 'fedcba9876543210')).status, 404);
    const malformed = await pollProgress(stack.baseUrl, 'not-an-id');
    assert.equal(malformed.status, 404);
    assert.equal(JSON.parse(malformed.text).error.code, 'not_found');

    let limited: Response | undefined;
    for (let i = 0; i < 100 && !limited; i++) {
      const res = await post(`{"slug":"strict","install_id":"${generateInstallId()}","source":"pkglnk-web"}`);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    assert.ok(limited, 'install-start is limited per address');
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });

  it('gives package objects a stable string id and a badge URL, and takes that id as packageId in the client’s collection calls', async () => {
    const created = await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'listed' });
    assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(created.badge_url, stack.url('/badge/listed.svg'));
    const list = await request(stack.url('/api/v1/packages'), { headers: { ...account.auth, 'user-agent': CLIENT_UA } });
    assert.equal(list.body.packages[0].id, created.id);
    assert.equal(list.body.packages[0].install_url, stack.url('/listed.git'));
    assert.equal(list.body.packages[0].badge_url, created.badge_url);
    const detail = await request(stack.url('/api/v1/packages/listed'), { headers: account.auth });
    assert.equal(detail.body.id, created.id);

    const collection = await request(stack.url('/api/v1/collections'), { method: 'POST', headers: account.auth, json: { name: 'Tools', slug: 'tools' } });
    assert.equal(collection.status, 201, JSON.stringify(collection.body));
    const added = await collectionMembership(stack.baseUrl, account.token, 'POST', 'tools', created.id);
    assert.ok(added.status === 200 || added.status === 201, added.text);
    const members = await request(stack.url('/api/v1/collections/tools'), { headers: account.auth });
    assert.deepEqual(members.body.packages.map((p: { slug: string }) => p.slug), ['listed']);
    const removed = await collectionMembership(stack.baseUrl, account.token, 'DELETE', 'tools', created.id.toUpperCase());
    assert.ok(removed.status < 300, removed.text);
    const unknown = await collectionMembership(stack.baseUrl, account.token, 'POST', 'tools', '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /"message":"/, 'the client scans for "message":"');
  });
});
