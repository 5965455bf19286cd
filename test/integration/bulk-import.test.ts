import { decryptSecret, encryptSecret } from '../../src/lib/secrets';
import assert from 'node:assert/strict';
import { createRun } from '../../src/db/job-store';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { importLinks } from '../../src/workers/import-links';
import { createAccount } from '../helpers/accounts';
import { addDomain } from '../helpers/domains';
import { request } from '../helpers/http';
import { waitForCompletedJob, whileWorkerPaused } from '../helpers/jobs';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

describe('Bulk import (POST /api/v1/links/bulk_import)', () => {
  const { stack, account } = useStackWithAccount({ workers: true }, { plan: 'enterprise' });
  beforeEach(() => setJobWaitBound(stack.services, 10_000));
  /** Run inputs are stored encrypted (they may hold link passwords), as the API stores them. */
  const sealed = (csv: string): string => encryptSecret(stack.services.config.appSecret, csv);

  const importCsv = (csv: unknown, auth = account.auth) => request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: auth, json: { csv } });
  const linkCount = async () => Number((await stack.services.db('links').count({ n: '*' }))[0]?.n);

  it('answers in the documented format for the seed example', async () => {
    const res = await importCsv('destination_url,title,short_code,tags\nhttps://example1.com,Link 1,link1,\nhttps://example2.com,Link 2,link2,');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body), ['success', 'created', 'links', 'errors', 'summary']);
    assert.equal(res.body.success, true);
    assert.equal(res.body.created, 2);
    assert.deepEqual(res.body.errors, []);
    assert.deepEqual(res.body.summary, { total_rows: 2, created: 2, failed: 0 });
    assert.deepEqual(res.body.links.map((l: { short_code: string }) => l.short_code), ['link1', 'link2']);
    const [first] = res.body.links;
    assert.equal(first.short_url, stack.url('/link1'));
    assert.equal(first.title, 'Link 1');
    assert.equal(typeof first.id, 'number');
    assert.equal(first.click_count, 0);
  });

  it('accepts the CSV as a text/csv body, as the csv field would be', async () => {
    const res = await request(stack.url('/api/v1/links/bulk_import'), {
      method: 'POST', headers: { ...account.auth, 'content-type': 'text/csv' }, body: 'destination_url,short_code\nhttps://example.com/raw,raw-1\n',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.summary, { total_rows: 1, created: 1, failed: 0 });
    const blank = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: { ...account.auth, 'content-type': 'text/csv' }, body: '' });
    assert.equal(blank.status, 422);
    const other = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: { ...account.auth, 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(other.status, 415);
    assert.match(other.body.error, /text\/csv/);
  });

  it('accepts the CSV as a multipart file upload, bounded in size', async () => {
    const upload = (text: string) => {
      const form = new FormData();
      form.append('file', new Blob([text], { type: 'text/csv' }), 'links.csv');
      return fetch(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, body: form });
    };
    const res = await upload('destination_url,short_code\nhttps://example.com/up,up-1\n');
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { summary: unknown }).summary, { total_rows: 1, created: 1, failed: 0 });
    const big = await upload(`destination_url\n${'https://example.com/x\n'.repeat(800_000)}`);
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { success: boolean }).success, false);
    assert.equal(await linkCount(), 1);
  });

  it('on_conflict: error fails the row, skip leaves the link, update changes only your own link', async () => {
    const other = await createAccount(stack.services, { plan: 'enterprise' });
    await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/old', short_code: 'mine-1', title: 'Old' } } });
    await request(stack.url('/api/v1/links'), { method: 'POST', headers: other.auth, json: { link: { destination_url: 'https://example.com/theirs', short_code: 'theirs-1' } } });
    const csv = 'destination_url,short_code,title\nhttps://example.com/new,mine-1,New\nhttps://example.com/x,theirs-1,X\nhttps://example.com/fresh,fresh-1,Fresh';
    const send = (query: string) => request(stack.url(`/api/v1/links/bulk_import${query}`), { method: 'POST', headers: account.auth, json: { csv } });
    const titleOf = async (code: string) => (await stack.services.db('links').where({ short_code: code }).first()).title;

    const errored = await send('?on_conflict=error');
    assert.deepEqual(errored.body.summary, { total_rows: 3, created: 1, failed: 2 });
    const skipped = await send('?on_conflict=skip');
    assert.deepEqual(skipped.body.summary, { total_rows: 3, created: 0, failed: 1, skipped: 2, updated: 0 });
    assert.deepEqual(skipped.body.errors.map((e: { row: number }) => e.row), [2], "another user's code is taken, never skipped past");
    assert.equal(await titleOf('mine-1'), 'Old');
    const updated = await send('?on_conflict=update');
    assert.deepEqual(updated.body.summary, { total_rows: 3, created: 0, failed: 1, skipped: 0, updated: 2 });
    assert.equal(await titleOf('mine-1'), 'New');
    assert.equal((await stack.services.db('links').where({ short_code: 'mine-1' }).first()).destination_url, 'https://example.com/new');
    assert.equal(await titleOf('theirs-1'), null, "another user's link is never changed");
    const bad = await send('?on_conflict=overwrite');
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors.join('\n'), /On conflict must be error, skip or update/);
  });

  it("reads each row's domain: one of yours puts the link on it; an unknown, another user's or a malformed one fails that row alone", async () => {
    const other = await createAccount(stack.services, { plan: 'enterprise' });
    const go = await addDomain(stack.services, account.user.id, 'go.example.com');
    await addDomain(stack.services, other.user.id, 'theirs.example.com');
    // A closed port: the link.created deliveries are written (and read below), never received.
    await stack.services.db('users').where({ id: account.user.id }).update({ webhook_url: 'http://127.0.0.1:9/hook' });
    const csv = [
      'destination_url,short_code,domain',
      'https://example.com/default,dup,',
      'https://example.com/go,dup,GO.example.com',
      'https://example.com/unknown,u-1,nowhere.example.com',
      'https://example.com/theirs,t-1,theirs.example.com',
      'https://example.com/bad,b-1,not a host',
      'https://example.com/again,dup,go.example.com',
    ].join('\n');
    // The text/csv body and the multipart upload (below) reach the same parser as the JSON field.
    const res = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: { ...account.auth, 'content-type': 'text/csv' }, body: csv });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.summary, { total_rows: 6, created: 2, failed: 4 });
    assert.deepEqual(res.body.errors, [
      { row: 3, error: 'Domain must be one of your domains', errors: ['Domain must be one of your domains'] },
      { row: 4, error: 'Domain must be one of your domains', errors: ['Domain must be one of your domains'] },
      { row: 5, error: 'Domain must be a domain name such as go.example.com', errors: ['Domain must be a domain name such as go.example.com'] },
      { row: 6, error: 'Short code has already been taken', errors: ['Short code has already been taken'] },
    ]);
    assert.deepEqual(res.body.links.map((l: { short_url: string; domain: string | null }) => [l.short_url, l.domain]), [[stack.url('/dup'), null], ['http://go.example.com/dup', 'go.example.com']]);
    const announced = (await stack.services.db('webhook_deliveries').where({ user_id: account.user.id, event: 'link.created' }).select('body'))
      .map((d: { body: string }) => (JSON.parse(d.body) as { data: { link: { short_url: string } } }).data.link.short_url).sort();
    assert.deepEqual(announced, ['http://go.example.com/dup', stack.url('/dup')].sort());
    const form = new FormData();
    form.append('file', new Blob(['destination_url,short_code,domain\nhttps://example.com/up,up-1,go.example.com\n'], { type: 'text/csv' }), 'links.csv');
    const uploaded = await fetch(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, body: form });
    assert.equal(uploaded.status, 200);
    const stored = await stack.services.db('links').orderBy('id').select('domain_id', 'short_code', 'destination_url');
    assert.deepEqual(stored, [
      { domain_id: null, short_code: 'dup', destination_url: 'https://example.com/default' },
      { domain_id: go.id, short_code: 'dup', destination_url: 'https://example.com/go' },
      { domain_id: go.id, short_code: 'up-1', destination_url: 'https://example.com/up' },
    ]);
  });

  it('on_conflict judges a short code on its own domain', async () => {
    const other = await createAccount(stack.services, { plan: 'enterprise' });
    await addDomain(stack.services, account.user.id, 'go.example.com');
    const create = async (auth: { authorization: string }, link: Record<string, unknown>) => {
      const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: auth, json: { link: { destination_url: 'https://example.com/old', ...link } } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    await create(account.auth, { short_code: 'promo', title: 'Old default' });
    await create(account.auth, { short_code: 'promo', title: 'Old go', domain: 'go.example.com' });
    await create(other.auth, { short_code: 'solo', title: 'Theirs' });
    // promo exists on go (yours); solo is another user's on the default domain but free on go.
    const csv = 'destination_url,short_code,title,domain\nhttps://example.com/new,promo,New go,go.example.com\nhttps://example.com/solo,solo,Solo go,go.example.com\nhttps://example.com/x,solo,X,';
    const send = (query: string) => request(stack.url(`/api/v1/links/bulk_import${query}`), { method: 'POST', headers: account.auth, json: { csv } });
    const titles = async () => (await stack.services.db('links').orderBy('id').select('domain_id', 'short_code', 'title')).map((l) => `${l.domain_id === null ? '' : 'go/'}${l.short_code}: ${l.title}`);

    const errored = await send('?on_conflict=error');
    assert.deepEqual(errored.body.summary, { total_rows: 3, created: 1, failed: 2 });
    assert.deepEqual(errored.body.errors.map((e: { row: number }) => e.row), [1, 3]);
    const skipped = await send('?on_conflict=skip');
    assert.deepEqual(skipped.body.summary, { total_rows: 3, created: 0, failed: 1, skipped: 2, updated: 0 });
    assert.deepEqual(await titles(), ['promo: Old default', 'go/promo: Old go', 'solo: Theirs', 'go/solo: Solo go']);
    const updated = await send('?on_conflict=update');
    assert.deepEqual(updated.body.summary, { total_rows: 3, created: 0, failed: 1, skipped: 0, updated: 2 });
    assert.deepEqual(updated.body.errors.map((e: { row: number }) => e.row), [3], "another user's code on the default domain stays theirs");
    assert.deepEqual(await titles(), ['promo: Old default', 'go/promo: New go', 'solo: Theirs', 'go/solo: Solo go']);
  });

  it('creates the good rows and reports each bad row with its row number and reason', async () => {
    const csv = [
      'destination_url,title,short_code,description,tags,active,password_protected,password,scheduled_start_at,scheduled_end_at,expires_at',
      'https://good.example/1,Good one,good-1,First,"a, b",true,,,,,',
      'javascript:alert(1),Bad url,bad-1,,,,,,,,',
      ',No url,bad-2,,,,,,,,',
      'https://good.example/2,Scheduled,good-2,,x;y,false,true,s3cret-password,2026-04-01T00:00:00Z,2026-04-30,2027-01-01',
      'https://good.example/3,Bad flag,bad-3,,,maybe,,,,,',
      'https://good.example/4,Bad time,bad-4,,,,,,yesterday,,',
      'https://good.example/5,Protected without password,bad-5,,,,true,,,,',
      'https://good.example/6,Bad code,has space,,,,,,,,',
    ].join('\n');
    const res = await importCsv(csv);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.created, 2);
    assert.deepEqual(res.body.summary, { total_rows: 8, created: 2, failed: 6 });
    assert.deepEqual(res.body.errors.map((e: { row: number }) => e.row), [2, 3, 5, 6, 7, 8]);
    const reason = (row: number) => res.body.errors.find((e: { row: number }) => e.row === row).error as string;
    assert.match(reason(2), /Destination url must be a valid http or https URL/);
    assert.match(reason(3), /Destination url can't be blank/);
    assert.match(reason(5), /Active must be true or false/);
    assert.match(reason(6), /Scheduled start at must be an ISO 8601 date or time/);
    assert.match(reason(7), /Password can't be blank/);
    assert.match(reason(8), /Short code may contain only/);

    const [one, two] = res.body.links;
    assert.equal(one.short_code, 'good-1');
    assert.equal(one.description, 'First');
    assert.deepEqual(one.tags, ['a', 'b']);
    assert.equal(one.active, true);
    assert.equal(two.short_code, 'good-2');
    assert.deepEqual(two.tags, ['x', 'y']);
    assert.equal(two.active, false);
    assert.equal(two.password_protected, true);
    assert.equal(two.scheduled_start_at, '2026-04-01T00:00:00.000Z');
    assert.equal(two.scheduled_end_at, '2026-04-30T00:00:00.000Z');
    assert.equal(two.expires, true);
    assert.equal(two.expires_at, '2027-01-01T00:00:00.000Z');
    assert.equal(await linkCount(), 2);
    const stored = await stack.services.db('links').where({ short_code: 'good-2' }).first();
    assert.match(stored.password_hash, /^scrypt\$/, 'the password is stored hashed');
  });

  it('fails a row whose short code repeats an earlier row or an existing link', async () => {
    const existing = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com', short_code: 'taken' } } });
    assert.equal(existing.status, 201);
    const res = await importCsv('destination_url,short_code\nhttps://a.example,fresh\nhttps://b.example,fresh\nhttps://c.example,taken\nhttps://d.example,');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.errors, [
      { row: 2, error: 'Short code has already been taken', errors: ['Short code has already been taken'] },
      { row: 3, error: 'Short code has already been taken', errors: ['Short code has already been taken'] },
    ]);
    assert.deepEqual(res.body.links.map((l: { destination_url: string }) => l.destination_url), ['https://a.example/', 'https://d.example/'], 'stored in canonical form');
    assert.match(res.body.links[1].short_code, /^[A-Za-z0-9]{7}$/, 'a row without a code gets a generated one');
    assert.equal(await linkCount(), 3);
  });

  it('reports a row with more cells than the header, and imports rows with trailing cells missing', async () => {
    const res = await importCsv('Destination_URL , Title,short_code\nhttps://a.example,A\nhttps://b.example,B,b-code,extra\n\nhttps://c.example,"C, quoted",c-code\n');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.summary, { total_rows: 3, created: 2, failed: 1 });
    assert.equal(res.body.errors[0].row, 2);
    assert.match(res.body.errors[0].error, /more cells than the header/);
    assert.equal(res.body.links[1].title, 'C, quoted');
  });

  it('answers 403 "Feature not available on your plan" on free and pro, and queues nothing', async () => {
    for (const plan of ['free', 'pro'] as const) {
      const other = await createAccount(stack.services, { plan });
      const res = await importCsv('destination_url\nhttps://example.com', other.auth);
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { success: false, error: 'Feature not available on your plan' });
    }
    assert.equal(await linkCount(), 0);
    assert.equal(Number((await stack.services.db('job_runs').count({ n: '*' }))[0]?.n), 0);
  });

  it('answers 403 for a token without links:write', async () => {
    const readOnly = await createAccount(stack.services, { scopes: ['links:read'] });
    const res = await importCsv('destination_url\nhttps://example.com', readOnly.auth);
    assert.equal(res.status, 403);
  });

  it('answers 422 with a clear reason for a CSV it cannot use', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /Csv can't be blank/],
      ['', /Csv can't be blank/],
      [42, /Csv can't be blank/],
      ['title,short_code\nA,a', /header row .* destination_url/],
      ['destination_url\n', /no rows/],
    ];
    for (const [csv, message] of cases) {
      const res = await importCsv(csv);
      assert.equal(res.status, 422, JSON.stringify(csv));
      assert.equal(res.body.error, 'Validation failed');
      assert.match(res.body.errors.join('\n'), message);
    }
    assert.equal(Number((await stack.services.db('job_runs').count({ n: '*' }))[0]?.n), 0);
  });

  it('answers 413 for a body over 16 MB and imports nothing', async () => {
    const csv = `destination_url,title\n${'https://example.com/x,'.padEnd(1000, 't').concat('\n').repeat(17_000)}`;
    const res = await importCsv(csv);
    assert.equal(res.status, 413);
    assert.deepEqual(res.body, { success: false, error: 'Request body is too large' });
    assert.equal(await linkCount(), 0);
  });

  it('creates each link once when the processor runs again after a crash, or twice at once', async () => {
    const csv = `destination_url,short_code\n${Array.from({ length: 120 }, (_, i) => `https://example.com/${i},code-${i}`).join('\n')}\nnot-a-url,bad`;
    const run = await createRun(stack.services.db, { userId: account.user.id, kind: 'import-links', input: sealed(csv) });
    const first = await importLinks(stack.services, { runId: run.id });
    // A crash after the rows committed but before the run was marked done: the job runs again.
    await stack.services.db('job_runs').where({ id: run.id }).update({ status: 'running', input: sealed(csv) });
    const again = await importLinks(stack.services, { runId: run.id });
    assert.equal(await linkCount(), 120);
    assert.deepEqual(again?.links.map((l) => l.id), first?.links.map((l) => l.id));
    assert.deepEqual(again?.summary, { total_rows: 121, created: 120, failed: 1 });

    // Two workers on one run at once (a stalled job handed over while the first still runs).
    const twin = await createRun(stack.services.db, { userId: account.user.id, kind: 'import-links', input: sealed(csv.replace(/code-/g, 'twin-')) });
    await Promise.all([importLinks(stack.services, { runId: twin.id }), importLinks(stack.services, { runId: twin.id })]);
    assert.equal(await linkCount(), 240);
    const finished = await stack.services.db('job_runs').where({ id: twin.id }).first();
    assert.equal(finished.status, 'completed');
    assert.equal(finished.result.created, 120);
    assert.equal(finished.input, null, 'the CSV is not kept once the run is done');
  });

  it('fails only the racing row when another request takes its short code mid-import', async () => {
    const db = stack.services.db;
    const run = await createRun(db, { userId: account.user.id, kind: 'import-links', input: sealed('destination_url,short_code\nhttps://a.example,before\nhttps://b.example,race\nhttps://c.example,after') });
    // Another writer holds "race" uncommitted: the import's insert of it waits, then conflicts.
    const other = await db.transaction();
    await other('links').insert({ user_id: account.user.id, short_code: 'race', destination_url: 'https://other.example' });
    const importing = importLinks(stack.services, { runId: run.id });
    await waitFor(async () => {
      const { rows } = await db.raw("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
      return rows.length > 0;
    }, { what: 'the import to wait on the other writer' });
    await other.commit();
    const result = await importing;
    assert.deepEqual(result?.errors, [{ row: 2, error: 'Short code has already been taken', errors: ['Short code has already been taken'] }]);
    assert.deepEqual(result?.links.map((l) => l.short_code), ['before', 'after']);
    assert.equal(await linkCount(), 3);
  });

  it('keeps a queued import\'s CSV encrypted at rest (it may hold link passwords) and forgets it once done', async () => {
    setJobWaitBound(stack.services, 0);
    const csv = 'destination_url,short_code,password\nhttps://example.com,secretive,hunter2-plaintext';
    const res = await whileWorkerPaused(stack, 'imports', async () => {
      const queued = await importCsv(csv);
      const row = await stack.services.db('job_runs').where({ id: queued.body.job_id }).first('input');
      assert.ok(!String(row.input).includes('hunter2-plaintext'), 'the password is not stored in clear');
      assert.equal(decryptSecret(stack.services.config.appSecret, row.input), csv);
      return queued;
    });
    await waitForCompletedJob(res.body.status_url, account.auth, 'import job completed');
    const after = await stack.services.db('job_runs').where({ id: res.body.job_id }).first('input');
    assert.equal(after.input, null);
  });

  it('answers 202 with a status URL when the import outlasts the wait, then serves the result there', async () => {
    setJobWaitBound(stack.services, 0);
    const res = await whileWorkerPaused(stack, 'imports', () => importCsv('destination_url,short_code\nhttps://example.com,later'));
    assert.equal(res.status, 202);
    assert.equal(res.body.success, true);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.status_url, stack.url(`/api/v1/jobs/${res.body.job_id}`));
    assert.equal(res.headers.get('location'), res.body.status_url);

    const done = await waitForCompletedJob(res.body.status_url, account.auth, 'import job completed');
    assert.equal(done.status, 200);
    assert.equal(done.body.success, true);
    assert.equal(done.body.kind, 'import-links');
    assert.equal(done.body.download_url, null);
    assert.equal(done.body.result.created, 1);
    assert.equal(done.body.result.links[0].short_code, 'later');

    const stranger = await createAccount(stack.services);
    const hidden = await request(res.body.status_url, { headers: stranger.auth });
    assert.equal(hidden.status, 404);
    assert.deepEqual(hidden.body, { success: false, error: 'Job not found' });
  });
});
