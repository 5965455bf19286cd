import assert from 'node:assert/strict';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { NUGET_UA, downloadNupkg, resolveLatestNupkg } from '../helpers/pkglnk-client';
import { startNuGetUpstream, type NuGetUpstream } from '../helpers/nuget-upstream';
import { startStack, type Stack } from '../helpers/stack';
import { drainQueues, waitFor } from '../helpers/wait';

describe('The NuGet flat-container proxy', function () {
  this.timeout(30_000);
  let upstream: NuGetUpstream;
  let stack: Stack;
  let account: TestAccount;

  before(async () => {
    upstream = await startNuGetUpstream({ 'Newtonsoft.Json': { versions: ['12.0.1', '13.0.3'] }, 'Other.Lib': { versions: ['1.0.0'] } });
    stack = await startStack({ workers: true, env: { NUGET_UPSTREAM: upstream.baseUrl } });
  });
  after(async () => {
    await stack.stop();
    await upstream.close();
  });
  beforeEach(async () => {
    await stack.reset();
    upstream.seen.length = 0;
    account = await createAccount(stack.services);
  });

  async function createNuGetPackage(): Promise<Record<string, any>> {
    const res = await request(stack.url('/api/v1/packages'), { method: 'POST', headers: account.auth, json: { git_url: 'https://github.com/JamesNK/Newtonsoft.Json.git', slug: 'newtonsoft', nuget_id: 'Newtonsoft.Json' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  async function installs(): Promise<{ events: Array<Record<string, any>>; total: number }> {
    await waitFor(() => stack.web.installTracker.inFlight === 0 && stack.web.installs.pending === 0, { what: 'install events to be queued' });
    await drainQueues(stack.services);
    const events = await stack.services.db('install_events').orderBy('occurred_at').select('*');
    const detail = await request(stack.url('/api/v1/packages/newtonsoft'), { headers: account.auth });
    return { events, total: detail.body.total_installs };
  }

  it('serves the client’s index.json and .nupkg requests from the upstream, and counts each delivered .nupkg as an install', async () => {
    const pkg = await createNuGetPackage();
    assert.equal(pkg.kind, 'nuget');
    assert.equal(pkg.nuget_id, 'Newtonsoft.Json');
    // The website hands the client the index.json URL with the id as it is written.
    const resolved = await resolveLatestNupkg(stack.url('/nuget/flatcontainer/Newtonsoft.Json/index.json'), 'Newtonsoft.Json');
    assert.equal(resolved.status, 200);
    assert.equal(resolved.version, '13.0.3', 'the last entry of versions');
    assert.equal(resolved.nupkgUrl, stack.url('/nuget/flatcontainer/Newtonsoft.Json/13.0.3/newtonsoft.json.13.0.3.nupkg'));
    const first = await downloadNupkg(resolved.nupkgUrl as string);
    assert.equal(first.status, 200);
    assert.ok(first.bytes.equals(upstream.nupkg('Newtonsoft.Json', '13.0.3')), 'the bytes are the upstream’s');
    const second = await downloadNupkg(stack.url('/nuget/flatcontainer/newtonsoft.json/12.0.1/newtonsoft.json.12.0.1.nupkg'));
    assert.equal(second.status, 200);

    assert.deepEqual(upstream.seen.map((s) => s.url), ['/newtonsoft.json/index.json', '/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg', '/newtonsoft.json/12.0.1/newtonsoft.json.12.0.1.nupkg']);
    assert.ok(upstream.seen.every((s) => s.headers['user-agent'] !== NUGET_UA && s.headers['x-forwarded-for'] === undefined), 'the visitor’s agent and address stay here');
    const { events, total } = await installs();
    assert.deepEqual(events.map((e) => [e.event_type, e.delivered]), [['nupkg_download', true], ['nupkg_download', true]], 'index.json is no install');
    assert.equal(new Set(events.map((e) => e.session_id)).size, 2);
    assert.equal(total, 2);
    const badge = await (await fetch(stack.url('/badge/newtonsoft.svg'))).text();
    assert.match(badge, /aria-label="pkglnk: 2 installs"/);
    const exported = await request(stack.url('/api/v1/packages/newtonsoft/export?format=json'), { headers: account.auth });
    assert.deepEqual(exported.body.installs.map((i: { event_type: string }) => i.event_type), ['nupkg_download', 'nupkg_download']);
  });

  it('answers what it does not serve with 404 and 405, without touching the upstream', async () => {
    await createNuGetPackage();
    const upm = await request(stack.url('/api/v1/packages'), { method: 'POST', headers: account.auth, json: { git_url: 'https://github.com/o/other.lib.git', slug: 'other-lib' } });
    assert.equal(upm.status, 201);
    const cases: Array<[string, string, number]> = [
      ['GET', '/nuget/flatcontainer/Other.Lib/index.json', 404],
      ['GET', '/nuget/flatcontainer/newtonsoft.json/13.0.3/other.13.0.3.nupkg', 404],
      ['GET', '/nuget/flatcontainer/newtonsoft.json/13.0.3', 404],
      ['GET', '/nuget/flatcontainer/..%2F..%2Fetc/index.json', 404],
      ['GET', '/nuget/flatcontainer/', 404],
      ['POST', '/nuget/flatcontainer/newtonsoft.json/index.json', 405],
    ];
    for (const [method, path, status] of cases) {
      const res = await fetch(stack.url(path), { method });
      assert.equal(res.status, status, `${method} ${path}`);
      await res.arrayBuffer();
    }
    assert.equal(upstream.seen.length, 0);
    const missing = await downloadNupkg(stack.url('/nuget/flatcontainer/newtonsoft.json/9.9.9/newtonsoft.json.9.9.9.nupkg'));
    assert.equal(missing.status, 404, 'an upstream 404 is relayed');
    assert.equal((await installs()).total, 0, 'and is no install');
  });

  it('validates NuGet packages: a NuGet id is required for kind nuget, refused for upm, and unique whatever its case', async () => {
    const create = (json: Record<string, unknown>) => request(stack.url('/api/v1/packages'), { method: 'POST', headers: account.auth, json: { git_url: 'https://github.com/o/r.git', ...json } });
    assert.equal((await create({ slug: 'a', kind: 'nuget' })).status, 422);
    assert.equal((await create({ slug: 'b', kind: 'upm', nuget_id: 'X.Y' })).status, 422);
    assert.equal((await create({ slug: 'c', nuget_id: '../etc' })).status, 422);
    assert.equal((await create({ slug: 'd', nuget_id: 'Newtonsoft.Json' })).status, 201);
    const taken = await create({ slug: 'e', nuget_id: 'newtonsoft.json' });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'conflict');
    const cleared = await request(stack.url('/api/v1/packages/d'), { method: 'PATCH', headers: account.auth, json: { nuget_id: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.kind, 'upm');
  });
});
