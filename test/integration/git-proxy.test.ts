import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { LFS_OID, PRIVATE_PASSWORD, PRIVATE_USER, runGit, startPackageUpstream, type GitUpstream } from '../helpers/git-upstream';
import { request } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { drainQueues, waitFor } from '../helpers/wait';

const GIT_VERSION = /git version (\d+\.\d+\.\d+)/.exec(require('node:child_process').execFileSync('git', ['--version'], { encoding: 'utf8' }))?.[1];

describe('The git proxy', function () {
  this.timeout(30_000);
  let upstream: GitUpstream;
  let stack: Stack;
  let account: TestAccount;
  let scratch: string;

  before(async () => {
    upstream = await startPackageUpstream(['owner', 'pkg'], ['private', 'secret']);
    // TRUST_PROXY lets a test speak for other clients through X-Forwarded-For.
    stack = await startStack({ workers: true, env: { GIT_UPSTREAM_GITHUB: upstream.baseUrl, GIT_UPSTREAM_GITLAB: upstream.baseUrl, TRUST_PROXY: '1' }, web: { gitProxy: { headersTimeoutMs: 1500, idleTimeoutMs: 5000 } } });
  });
  after(async () => {
    await stack.stop();
    await upstream.close();
  });
  beforeEach(async () => {
    await stack.reset();
    upstream.seen.length = 0;
    account = await createAccount(stack.services);
    scratch = mkdtempSync(join(tmpdir(), 'lt-git-client-'));
  });
  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function createPackage(body: Record<string, unknown>): Promise<{ slug: string; install_url: string }> {
    const res = await request(stack.url('/api/v1/packages'), { method: 'POST', headers: account.auth, json: body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  async function packageCounts(slug: string): Promise<{ total_installs: number; unique_ips: number }> {
    const res = await request(stack.url(`/api/v1/packages/${slug}`), { headers: account.auth });
    return { total_installs: res.body.total_installs, unique_ips: res.body.unique_ips };
  }

  async function events(): Promise<Array<Record<string, any>>> {
    await waitFor(() => stack.web.installTracker.inFlight === 0 && stack.web.installs.pending === 0 && stack.web.installProgress.pending === 0, { what: 'install events to be queued' });
    await drainQueues(stack.services);
    return stack.services.db('install_events').orderBy('occurred_at').orderBy('id').select('*');
  }

  it('clones through /<slug>.git over protocol v2 and records one install: ref discovery and ls-refs as clone_start, the delivered pack as fetch_objects, one session', async () => {
    const pkg = await createPackage({ git_url: 'https://github.com/owner/pkg.git?path=Packages/com.example.package#v1.0.0', slug: 'example' });
    const clone = await runGit(['clone', '-q', stack.url('/example.git'), join(scratch, 'c')]);
    assert.equal(clone.code, 0, clone.stderr);
    assert.ok(existsSync(join(scratch, 'c/Packages/com.example.package/package.json')));
    assert.equal(pkg.install_url, stack.url('/example.git?path=Packages/com.example.package#v1.0.0'));

    const stored = await events();
    assert.deepEqual(stored.map((e) => e.event_type), ['clone_start', 'clone_start', 'fetch_objects'], 'v2: ref discovery, ls-refs, fetch');
    assert.deepEqual(stored.map((e) => e.delivered), [false, false, true], 'only the fetch delivered a pack');
    assert.equal(new Set(stored.map((e) => e.session_id)).size, 1);
    const [first] = stored;
    assert.match(first?.session_id, /^sess_[A-Za-z0-9]{20}$/);
    assert.equal(first?.git_version, GIT_VERSION);
    assert.equal(first?.subpath, 'Packages/com.example.package');
    assert.match(first?.hashed_ip, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(stored).includes('127.0.0.1'), 'no raw address is stored');
    assert.deepEqual(await packageCounts('example'), { total_installs: 1, unique_ips: 1 });
    assert.ok(upstream.seen.every((r) => r.url.startsWith('/owner/pkg.git/')), 'forwarded to <owner>/<repo>.git');
    assert.ok(upstream.seen.some((r) => r.headers['git-protocol'] === 'version=2'), 'Git-Protocol passed through');
    assert.ok(upstream.seen.every((r) => r.headers['x-forwarded-for'] === undefined), 'the client address is not sent upstream');
  });

  it('makes shallow clones of a tag over the legacy /track/ path with protocol v0', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'legacy' });
    const clone = await runGit(['-c', 'protocol.version=0', 'clone', '-q', '--depth', '1', '--branch', 'v1.0.0', stack.url('/track/legacy.git'), join(scratch, 's')]);
    assert.equal(clone.code, 0, clone.stderr);
    assert.equal(JSON.parse(readFileSync(join(scratch, 's/Packages/com.example.package/package.json'), 'utf8')).version, '1.0.0');
    const log = await runGit(['rev-list', '--count', 'HEAD'], { cwd: join(scratch, 's') });
    assert.equal(log.stdout.trim(), '1', 'shallow: one commit');
    assert.ok(upstream.seen.every((r) => r.headers['git-protocol'] === undefined));
    const types = (await events()).map((e) => e.event_type);
    assert.equal(types[0], 'clone_start');
    assert.ok(types.length >= 2 && types.slice(1).every((t) => t === 'fetch_objects'), types.join());
  });

  it('serves shallow and full clones over both URL shapes with protocol v0 and v2', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'matrix' });
    const cases: Array<[string, string, string[]]> = [
      ['/matrix.git', '0', ['--depth', '1']],
      ['/matrix.git', '2', ['--depth', '1']],
      ['/track/matrix.git', '0', []],
      ['/track/matrix.git', '2', []],
    ];
    for (const [path, version, depth] of cases) {
      const dir = join(scratch, `${version}${path.replace(/\W/g, '-')}`);
      const clone = await runGit(['-c', `protocol.version=${version}`, 'clone', '-q', ...depth, stack.url(path), dir]);
      assert.equal(clone.code, 0, `${path} v${version}: ${clone.stderr}`);
      const commits = (await runGit(['rev-list', '--count', 'HEAD'], { cwd: dir })).stdout.trim();
      assert.equal(commits, depth.length > 0 ? '1' : '2', `${path} v${version}`);
    }
  });

  it('fetches into an existing clone and lists the same refs as the upstream', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'fetchy' });
    assert.equal((await runGit(['clone', '-q', '--depth', '1', stack.url('/fetchy.git'), join(scratch, 'f')])).code, 0);
    const fetched = await runGit(['fetch', '-q', '--unshallow', '--tags', 'origin'], { cwd: join(scratch, 'f') });
    assert.equal(fetched.code, 0, fetched.stderr);
    const viaProxy = await runGit(['ls-remote', stack.url('/fetchy.git')]);
    const direct = await runGit(['ls-remote', `${upstream.baseUrl}/owner/pkg.git`]);
    assert.equal(viaProxy.code, 0, viaProxy.stderr);
    assert.equal(viaProxy.stdout, direct.stdout);
    assert.match(viaProxy.stdout, /refs\/tags\/v1\.1\.0\^\{\}/);
    assert.match(viaProxy.stdout, /refs\/heads\/feature/);
  });

  it('counts one install per delivered pack and unique IPs by address, with country, city, OS and git version from the client', async () => {
    await createPackage({ git_platform: 'gitlab', git_owner: 'owner', git_repo: 'pkg', slug: 'counted' });
    const from = (ip: string, agent: string) => ['-c', `http.extraHeader=X-Forwarded-For: ${ip}`, '-c', `http.userAgent=${agent}`];
    const london = '81.2.69.160';
    assert.equal((await runGit([...from(london, 'git/2.43.0.windows.1'), 'ls-remote', stack.url('/counted.git')])).code, 0);
    assert.equal((await runGit([...from(london, 'git/2.43.0.windows.1'), 'clone', '-q', stack.url('/counted.git'), join(scratch, 'a')])).code, 0);
    assert.equal((await runGit([...from(london, 'git/2.39.3 (Apple Git-145)'), 'ls-remote', stack.url('/counted.git')])).code, 0);
    assert.equal((await runGit([...from('8.8.8.8', 'git/2.43.0'), 'ls-remote', stack.url('/counted.git')])).code, 0);

    const stored = await events();
    assert.equal(new Set(stored.map((e) => e.session_id)).size, 3, 'one session per client (address + agent)');
    assert.deepEqual(await packageCounts('counted'), { total_installs: 1, unique_ips: 2 }, 'ls-remote alone is no install; ls-remote then clone is one');
    const windows = stored.filter((e) => e.os === 'windows');
    assert.equal(windows.length, 5, 'ls-remote (2) and clone (3) of the first client');
    assert.equal(windows[0]?.git_version, '2.43.0');
    assert.equal(windows[0]?.country_code, 'GB');
    assert.ok(windows[0]?.city);
    assert.equal(stored.filter((e) => e.os === 'macos').length, 2);
    assert.equal(stored.find((e) => e.os === null)?.country_code, 'US');
  });

  it('refuses pushes with a message git shows', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'nopush' });
    assert.equal((await runGit(['clone', '-q', stack.url('/nopush.git'), join(scratch, 'p')])).code, 0);
    await runGit(['commit', '-q', '--allow-empty', '-m', 'mine'], { cwd: join(scratch, 'p') });
    const push = await runGit(['push', 'origin', 'HEAD:main'], { cwd: join(scratch, 'p') });
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /remote: Pushing is not supported through this URL/);
    assert.match(push.stderr, /403/);
    const post = await fetch(stack.url('/nopush.git/git-receive-pack'), { method: 'POST', body: '0000' });
    assert.equal(post.status, 403);
    assert.ok(upstream.seen.every((r) => !r.url.includes('receive-pack')), 'never forwarded');
  });

  it('answers an unknown slug with 404, which git reports as repository not found', async () => {
    const res = await runGit(['ls-remote', stack.url('/no-such-package.git')]);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /repository '.*no-such-package\.git\/' not found/);
    assert.equal(upstream.seen.length, 0);
  });

  it('passes a private package’s credentials through untouched, and counts only the answered requests', async () => {
    await createPackage({ git_url: 'https://github.com/private/secret.git', slug: 'secret', is_private: true });
    const anonymous = await runGit(['ls-remote', stack.url('/secret.git')]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /Authentication failed|could not read Username/);
    const withCredentials = stack.url('/secret.git').replace('http://', `http://${PRIVATE_USER}:${PRIVATE_PASSWORD}@`);
    const clone = await runGit(['clone', '-q', withCredentials, join(scratch, 'secret')]);
    assert.equal(clone.code, 0, clone.stderr);
    const expected = `Basic ${Buffer.from(`${PRIVATE_USER}:${PRIVATE_PASSWORD}`).toString('base64')}`;
    assert.ok(upstream.seen.some((r) => r.headers.authorization === expected), 'Authorization reached the upstream as sent');
    const stored = await events();
    assert.deepEqual(stored.map((e) => e.event_type), ['clone_start', 'clone_start', 'fetch_objects'], 'the 401 challenges are not events');
    assert.ok(!JSON.stringify(stored).includes(PRIVATE_PASSWORD));
  });

  it('forwards LFS batch requests and records an lfs event', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'lfs-pkg' });
    const res = await fetch(stack.url('/lfs-pkg.git/info/lfs/objects/batch'), {
      method: 'POST',
      headers: { accept: 'application/vnd.git-lfs+json', 'content-type': 'application/vnd.git-lfs+json', 'user-agent': 'git-lfs/3.4.0 (GitHub; windows amd64; go 1.21.1)' },
      body: JSON.stringify({ operation: 'download', transfers: ['basic'], objects: [{ oid: LFS_OID, size: 20 }] }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /git-lfs\+json/);
    const body = (await res.json()) as { objects: Array<{ oid: string; actions: { download: { href: string } } }> };
    assert.equal(body.objects[0]?.oid, LFS_OID);
    const [event] = await events();
    assert.equal(event?.event_type, 'lfs');
    assert.equal(event?.os, 'windows');
    assert.equal(upstream.seen[0]?.url, '/owner/pkg.git/info/lfs/objects/batch');
  });

  it('forwards only the service parameter of ref discovery, and gzip request bodies with their encoding', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'params' });
    const refs = await fetch(stack.url('/params.git/info/refs?service=git-upload-pack&token=abc&utm_source=x'), { headers: { 'user-agent': 'git/2.43.0' } });
    assert.equal(refs.status, 200);
    await refs.arrayBuffer();
    assert.equal(upstream.seen[0]?.url, '/owner/pkg.git/info/refs?service=git-upload-pack');

    const lsRefs = gzipSync(Buffer.from('0014command=ls-refs\n00010009peel\n0000'));
    const res = await fetch(stack.url('/params.git/git-upload-pack?debug=1'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip', 'git-protocol': 'version=2', 'user-agent': 'git/2.43.0' },
      body: lsRefs,
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /refs\/tags\/v1\.0\.0/);
    assert.equal(upstream.seen[1]?.url, '/owner/pkg.git/git-upload-pack');
    assert.equal(upstream.seen[1]?.headers['content-encoding'], 'gzip');
  });

  it('makes git fail fast with 502 when the upstream is down, and 504 when it does not answer', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'down' });
    const { gitUpstreams } = stack.services.config;
    const original = gitUpstreams.github;
    const silent = require('node:net').createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      gitUpstreams.github = 'http://127.0.0.1:1';
      const refused = await runGit(['ls-remote', stack.url('/down.git')]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /502/);
      assert.match(refused.stderr, /remote: The upstream repository could not be reached/);
      assert.ok(refused.ms < 5000, `${refused.ms} ms`);

      gitUpstreams.github = `http://127.0.0.1:${silent.address().port}`;
      const timedOut = await runGit(['ls-remote', stack.url('/down.git')]);
      assert.notEqual(timedOut.code, 0);
      assert.match(timedOut.stderr, /504/);
      assert.ok(timedOut.ms < 8000, `${timedOut.ms} ms`);
    } finally {
      gitUpstreams.github = original;
      silent.close();
    }
    assert.deepEqual(await events(), [], 'failed requests are not installs');
  });

  it('aborts the upstream request when the client goes away', async () => {
    await createPackage({ git_url: 'https://github.com/slow/pkg.git', slug: 'slowpoke' });
    const controller = new AbortController();
    const res = await fetch(stack.url('/slowpoke.git/info/refs?service=git-upload-pack'), { signal: controller.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    await waitFor(() => upstream.slowAborted === 1, { what: 'upstream request aborted' });
  });

  it('answers paths and methods it does not serve with 404 and 405, without touching the upstream', async () => {
    await createPackage({ git_url: 'https://github.com/owner/pkg.git', slug: 'strict' });
    const cases: Array<[string, string, number]> = [
      ['GET', '/strict.git/HEAD', 404],
      ['GET', '/strict.git', 404],
      ['GET', '/track/strict', 404],
      ['GET', '/strict.git/git-upload-pack', 405],
      ['POST', '/strict.git/info/refs?service=git-upload-pack', 405],
      ['GET', '/strict.git/info/refs', 403],
      ['GET', '/Bad.Slug!.git/info/refs?service=git-upload-pack', 404],
    ];
    for (const [method, path, status] of cases) {
      const res = await fetch(stack.url(path), { method });
      assert.equal(res.status, status, `${method} ${path}`);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    }
    assert.equal(upstream.seen.length, 0);
  });
});
