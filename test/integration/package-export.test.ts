import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { waitForCompletedJob, whileWorkerPaused } from '../helpers/jobs';
import { useStackWithAccount } from '../helpers/use-stack';

const DAY = 24 * 3600 * 1000;

describe('Package export (GET /api/v1/packages/:slug/export)', () => {
  const { stack, account } = useStackWithAccount({ workers: true });
  let packageId: number;
  beforeEach(async () => {
    setJobWaitBound(stack.services, 10_000);
    packageId = await createPackage(account, 'my-package', 'My Package');
  });

  async function createPackage(owner: TestAccount, slug: string, displayName: string): Promise<number> {
    const [row] = await stack.services.db('packages')
      .insert({ user_id: owner.user.id, slug, display_name: displayName, git_platform: 'github', git_owner: 'o', git_repo: 'r' })
      .returning('id');
    return row.id;
  }

  async function install(daysAgo: number, fields: Record<string, unknown> = {}): Promise<number> {
    const [row] = await stack.services.db('install_events')
      .insert({
        event_id: randomUUID(), package_id: packageId, occurred_at: new Date(Date.now() - daysAgo * DAY), event_type: 'clone_start',
        session_id: 'sess_1', hashed_ip: 'h', country_code: 'US', city: 'San Francisco', os: 'windows', git_version: '2.43.0', subpath: null, ...fields,
      })
      .returning('id');
    return row.id;
  }

  const exportOf = (query: string, auth = account.auth, slug = 'my-package') => request(stack.url(`/api/v1/packages/${slug}/export${query}`), { headers: auth });

  it('answers the documented JSON document for the default 30 days', async () => {
    const recent = await install(1, { event_type: 'fetch_objects', subpath: 'Packages/x', session_id: 'sess_xyz789' });
    const older = await install(3);
    await install(45); // outside the default window
    const res = await exportOf('');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('content-disposition'), null);
    assert.deepEqual(Object.keys(res.body), ['package', 'export_info', 'installs']);
    assert.deepEqual(res.body.package, { slug: 'my-package', display_name: 'My Package' });
    const info = res.body.export_info;
    assert.deepEqual(Object.keys(info), ['format', 'days', 'start_date', 'end_date', 'total_records', 'exported_at']);
    assert.equal(info.format, 'json');
    assert.equal(info.days, 30);
    assert.equal(info.total_records, 2);
    assert.match(info.start_date, /T00:00:00\.000Z$/);
    assert.match(info.end_date, /T23:59:59\.000Z$/);
    assert.equal(Date.parse(info.end_date) + 1000 - Date.parse(info.start_date), 31 * DAY);
    assert.equal(info.end_date.slice(0, 10), new Date().toISOString().slice(0, 10));
    assert.deepEqual(res.body.installs.map((i: { id: string }) => i.id), [String(older), String(recent)]);
    const latest = res.body.installs[1];
    assert.deepEqual(Object.keys(latest), ['id', 'timestamp', 'country_code', 'city', 'os', 'git_version', 'event_type', 'subpath', 'session_id']);
    assert.equal(typeof latest.id, 'string');
    assert.match(latest.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(latest.event_type, 'fetch_objects');
    assert.equal(latest.subpath, 'Packages/x');
    assert.equal(latest.session_id, 'sess_xyz789');
    assert.equal(res.body.installs[0].subpath, null);
  });

  it('answers a CSV download with exactly the documented header, formula cells neutralised', async () => {
    const id = await install(2, { city: '=cmd|calc', os: '-os', git_version: '@2', subpath: '+x' });
    const res = await fetch(stack.url('/api/v1/packages/my-package/export?format=csv&days=7'), { headers: account.auth });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="my-package-installs-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = (await res.text()).trimEnd().split('\n');
    assert.equal(lines[0], 'id,timestamp,country_code,city,os,git_version,event_type,subpath,session_id');
    assert.equal(lines.length, 2);
    const cells = (lines[1] ?? '').split(',');
    assert.equal(cells[0], String(id));
    assert.deepEqual(cells.slice(2), ['US', "'=cmd|calc", "'-os", "'@2", 'clone_start', "'+x", 'sess_1']);
  });

  it('honours days from 1 to 365', async () => {
    await install(0.01);
    await install(100);
    await install(400);
    assert.equal((await exportOf('?days=1')).body.export_info.total_records, 1);
    assert.equal((await exportOf('?days=365')).body.installs.length, 2);
  });

  it('answers 400 in the pkglnk envelope for a format or days it does not know', async () => {
    for (const query of ['?format=xml', '?format=', '?days=0', '?days=366', '?days=abc', '?days=1.5', '?format=json&format=csv']) {
      const res = await exportOf(query);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'bad_request', query);
      assert.equal(typeof res.body.error.message, 'string');
    }
  });

  it("answers 404 for an unknown package and for another user's package", async () => {
    const other = await createAccount(stack.services);
    await createPackage(other, 'their-package', 'Theirs');
    for (const slug of ['nope', 'their-package']) {
      const res = await exportOf('', account.auth, slug);
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: { code: 'not_found', message: 'Package not found' } });
    }
  });

  it('answers 403 for a token without analytics:read', async () => {
    const reader = await createAccount(stack.services, { scopes: ['packages:read'] });
    const res = await exportOf('', reader.auth);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
  });

  it('answers 202 in the pkglnk style when the export outlasts the wait, then serves it on its status URL', async () => {
    await install(1);
    setJobWaitBound(stack.services, 0);
    const accepted = await whileWorkerPaused(stack, 'exports', () => exportOf('?format=csv'));
    assert.equal(accepted.status, 202);
    assert.deepEqual(Object.keys(accepted.body), ['job_id', 'status', 'status_url']);
    assert.equal(accepted.body.status_url, stack.url(`/api/v1/packages/my-package/export/jobs/${accepted.body.job_id}`));
    const done = (await waitForCompletedJob(accepted.body.status_url, account.auth, 'package export completed')).body;
    assert.equal(done.kind, 'export-package');
    assert.equal(done.params.format, 'csv');
    const file = await fetch(done.download_url, { headers: account.auth });
    assert.equal(file.status, 200);
    assert.match(await file.text(), /^id,timestamp,/);

    // Polled on the link side, or by someone else, it is not found.
    assert.equal((await request(stack.url(`/api/v1/jobs/${accepted.body.job_id}`), { headers: account.auth })).status, 404);
    const stranger = await createAccount(stack.services);
    const hidden = await request(accepted.body.status_url, { headers: stranger.auth });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'not_found');
  });
});
