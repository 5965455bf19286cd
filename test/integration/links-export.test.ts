import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { createAccount } from '../helpers/accounts';
import { addDomain } from '../helpers/domains';
import { request } from '../helpers/http';
import { waitForCompletedJob, whileWorkerPaused } from '../helpers/jobs';
import { useStackWithAccount } from '../helpers/use-stack';

const HEADER = 'short_url,destination_url,short_code,title,description,tags,click_count,active,archived,password_protected,expires_at,created_at,'
  + 'utm_params,scheduled_start_at,scheduled_end_at,expires,collection,preview_title,preview_description,preview_image_url,append_click_id,domain';

describe('Links CSV export (GET /api/v1/links/export)', () => {
  const { stack, account } = useStackWithAccount({ workers: true });
  beforeEach(() => setJobWaitBound(stack.services, 10_000));

  /** Inserted directly, so counts, archival and creation times can be set as a test needs. */
  async function link(fields: Record<string, unknown> & { short_code: string }, owner = account): Promise<void> {
    await stack.services.db('links').insert({ destination_url: 'https://example.com', ...fields, user_id: owner.user.id });
  }

  async function exportCsv(query = '', auth = account.auth) {
    const res = await fetch(stack.url(`/api/v1/links/export${query}`), { headers: auth });
    return { res, text: await res.text() };
  }

  function codes(text: string): string[] {
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    return rows.map((r) => r.short_code ?? '');
  }

  it('downloads pvtlnk-links-YYYY-MM-DD.csv with the documented columns in order, then the round-trip ones', async () => {
    await link({
      short_code: 'first', destination_url: 'https://example.com/a?x=1', title: 'Title, with comma', description: 'Said "hi"',
      tags: ['news', 'q1'], click_count: 42, password_hash: 'scrypt$x', expires: true, expires_at: new Date('2027-01-01T00:00:00Z'),
    });
    await link({ short_code: 'second', active: false, archived: true });
    const { res, text } = await exportCsv();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="pvtlnk-links-${today}.csv"`);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], HEADER);
    assert.equal(lines.length, 3);
    const [first, second] = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    assert.equal(first?.short_url, stack.url('/first'));
    assert.equal(first?.destination_url, 'https://example.com/a?x=1');
    assert.equal(first?.title, 'Title, with comma');
    assert.equal(first?.description, 'Said "hi"');
    assert.equal(first?.tags, 'news, q1');
    assert.equal(first?.click_count, '42');
    assert.equal(first?.active, 'true');
    assert.equal(first?.archived, 'false');
    assert.equal(first?.password_protected, 'true');
    assert.equal(first?.expires_at, '2027-01-01T00:00:00.000Z');
    assert.match(first?.created_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(second?.active, 'false');
    assert.equal(second?.archived, 'true');
    assert.equal(second?.password_protected, 'false');
    assert.equal(second?.expires_at, '');
  });

  it('neutralises cells a spreadsheet would run as formulas', async () => {
    await link({ short_code: 'f1', title: '=HYPERLINK("http://evil","x")', description: '+1+2' });
    await link({ short_code: 'f2', title: '-2+3', description: '@SUM(A1)', tags: ['=cmd'] });
    await link({ short_code: 'f3', title: '\tTabbed', description: '\rReturn' });
    const { text } = await exportCsv();
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    assert.deepEqual(rows.map((r) => [r.title, r.description, r.tags]), [
      [`'=HYPERLINK("http://evil","x")`, "'+1+2", ''],
      ["'-2+3", "'@SUM(A1)", "'=cmd"],
      ["'\tTabbed", "'\rReturn", ''],
    ]);
  });

  it('filters by active, archived, collection and creation time', async () => {
    const [collection] = await stack.services.db('collections').insert({ user_id: account.user.id, slug: 'c1', name: 'C1' }).returning('id');
    await link({ short_code: 'old', created_at: new Date('2025-01-01T00:00:00Z') });
    await link({ short_code: 'inactive', active: false });
    await link({ short_code: 'archived', archived: true });
    await link({ short_code: 'collected', collection_id: collection.id });
    assert.deepEqual(codes((await exportCsv()).text), ['old', 'inactive', 'archived', 'collected']);
    assert.deepEqual(codes((await exportCsv('?active=true')).text), ['old', 'archived', 'collected']);
    assert.deepEqual(codes((await exportCsv('?active=false')).text), ['inactive']);
    assert.deepEqual(codes((await exportCsv('?archived=true')).text), ['archived']);
    assert.deepEqual(codes((await exportCsv(`?collection_id=${collection.id}`)).text), ['collected']);
    assert.deepEqual(codes((await exportCsv('?created_before=2025-06-01')).text), ['old']);
    assert.deepEqual(codes((await exportCsv('?created_after=2025-06-01T00:00:00Z&active=true')).text), ['archived', 'collected']);
  });

  it("takes the listing's q, tag, sort and order", async () => {
    await link({ short_code: 'spring-a', click_count: 3 });
    await link({ short_code: 'b', title: 'Spring sale', tags: ['promo'], click_count: 7 });
    await link({ short_code: 'c', tags: ['promo'], click_count: 1 });
    assert.deepEqual(codes((await exportCsv('?q=spring')).text), ['spring-a', 'b']);
    assert.deepEqual(codes((await exportCsv('?tag=promo')).text), ['b', 'c']);
    assert.deepEqual(codes((await exportCsv('?sort=clicks&order=desc')).text), ['b', 'spring-a', 'c']);
    assert.deepEqual(codes((await exportCsv('?tag=promo&sort=clicks&order=asc')).text), ['c', 'b']);
  });

  it('round-trips: importing an export recreates the links, field for field', async () => {
    const [collection] = await stack.services.db('collections').insert({ user_id: account.user.id, slug: 'round-trip', name: 'RT' }).returning('id');
    const create = async (link: Record<string, unknown>) => {
      const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/rt', ...link } } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    await create({
      short_code: 'rt-full', title: 'Full, "quoted"', description: 'Two\nlines', tags: ['a', 'b c'], utm_params: { utm_source: 'news', utm_medium: 'mail' },
      scheduled_start_at: '2030-01-01T00:00:00Z', scheduled_end_at: '2030-02-01T00:00:00Z', expires: true, expires_at: '2031-01-01T00:00:00Z',
      collection_id: collection.id, preview_title: 'Card, "title"', preview_description: 'Card\ntext', preview_image_url: 'https://cdn.example.com/card.png',
      append_click_id: true,
    });
    await create({ short_code: 'rt-inactive', active: false });
    await create({ short_code: 'rt-archived' });
    await stack.services.db('links').where({ short_code: 'rt-archived' }).update({ archived: true });
    const fields = ['short_code', 'destination_url', 'title', 'description', 'tags', 'active', 'archived', 'utm_params', 'scheduled_start_at', 'scheduled_end_at', 'expires', 'expires_at', 'collection_id',
      'preview_title', 'preview_description', 'preview_image_url', 'append_click_id'];
    const before = await stack.services.db('links').where({ user_id: account.user.id }).orderBy('short_code').select(fields);

    const { text } = await exportCsv();
    await stack.services.db('links').where({ user_id: account.user.id }).delete();
    const imported = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, json: { csv: text } });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.errors, []);
    assert.equal(imported.body.created, 3);
    const after = await stack.services.db('links').where({ user_id: account.user.id }).orderBy('short_code').select(fields);
    assert.deepEqual(after, before);
  });

  it('round-trips links on custom domains: each comes back on its domain, one short code on two domains included', async () => {
    const go = await addDomain(stack.services, account.user.id, 'go.example.com');
    const create = async (link: Record<string, unknown>) => {
      const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/rt', ...link } } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    await create({ short_code: 'same', destination_url: 'https://example.com/default', title: 'On the default domain', tags: ['d'], utm_params: { utm_source: 'news' } });
    await create({
      short_code: 'same', domain: 'go.example.com', destination_url: 'https://example.com/go', title: 'On go', description: 'Custom', tags: ['g', 'h'],
      utm_params: { utm_medium: 'mail' }, scheduled_start_at: '2030-01-01T00:00:00Z', scheduled_end_at: '2030-02-01T00:00:00Z', expires: true, expires_at: '2031-01-01T00:00:00Z',
      preview_title: 'Go card', append_click_id: true, active: false,
    });
    await create({ short_code: 'only-go', domain: 'go.example.com', destination_url: 'https://example.com/only-go' });
    const fields = ['domain_id', 'short_code', 'destination_url', 'title', 'description', 'tags', 'active', 'archived', 'utm_params', 'scheduled_start_at', 'scheduled_end_at', 'expires', 'expires_at',
      'collection_id', 'preview_title', 'preview_description', 'preview_image_url', 'append_click_id'];
    const links = () => stack.services.db('links').where({ user_id: account.user.id }).orderByRaw('domain_id NULLS FIRST, short_code').select(fields);
    const before = await links();
    assert.deepEqual(before.map((l) => [l.domain_id, l.short_code]), [[null, 'same'], [go.id, 'only-go'], [go.id, 'same']]);

    const { text } = await exportCsv();
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    assert.deepEqual(rows.map((r) => [r.short_url, r.domain]), [
      [stack.url('/same'), ''], ['http://go.example.com/same', 'go.example.com'], ['http://go.example.com/only-go', 'go.example.com'],
    ]);
    await stack.services.db('links').where({ user_id: account.user.id }).delete();
    const imported = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, json: { csv: text } });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.errors, []);
    assert.deepEqual(imported.body.links.map((l: { short_url: string; domain: string | null }) => [l.short_url, l.domain]), [
      [stack.url('/same'), null], ['http://go.example.com/same', 'go.example.com'], ['http://go.example.com/only-go', 'go.example.com'],
    ]);
    assert.deepEqual(await links(), before);
  });

  it("exports only the caller's own links", async () => {
    const other = await createAccount(stack.services);
    await link({ short_code: 'mine' });
    await link({ short_code: 'theirs' }, other);
    assert.deepEqual(codes((await exportCsv()).text), ['mine']);
    const { text } = await exportCsv('', (await createAccount(stack.services)).auth);
    assert.equal(text, `${HEADER}\n`, 'a user without links gets the header only');
  });

  it('answers 400 for a filter it cannot read', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?active=maybe', /Active must be true or false/],
      ['?archived=2', /Archived must be true or false/],
      ['?collection_id=abc', /Collection id must be a whole number/],
      ['?created_after=last-week', /Created after must be an ISO 8601/],
      ['?created_before=2026-13-45', /Created before must be an ISO 8601/],
      ['?sort=popularity', /Sort must be one of/],
      ['?order=sideways', /Order must be asc or desc/],
    ];
    for (const [query, message] of cases) {
      const res = await request(stack.url(`/api/v1/links/export${query}`), { headers: account.auth });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.success, false);
      assert.match(res.body.errors.join('\n'), message, query);
    }
  });

  it('answers 403 for a token without links:read', async () => {
    const writer = await createAccount(stack.services, { scopes: ['links:write'] });
    const res = await request(stack.url('/api/v1/links/export'), { headers: writer.auth });
    assert.equal(res.status, 403);
  });

  it('answers 202 when the export outlasts the wait; the file is then downloadable from the job', async () => {
    await link({ short_code: 'slow' });
    setJobWaitBound(stack.services, 0);
    const accepted = await whileWorkerPaused(stack, 'exports', async () => {
      const res = await request(stack.url('/api/v1/links/export?active=true'), { headers: account.auth });
      assert.equal(res.status, 202);
      assert.equal(res.body.success, true);
      const early = await request(`${res.body.status_url}/download`, { headers: account.auth });
      assert.equal(early.status, 409, 'no file before the job has finished');
      return res;
    });
    const done = (await waitForCompletedJob(accepted.body.status_url, account.auth, 'export job completed')).body;
    assert.equal(done.kind, 'export-links');
    assert.deepEqual(done.params, { active: true });
    assert.equal(done.result.row_count, 1);
    assert.deepEqual(done.progress, { done: 1, total: 1 }, 'rows done of total, as batches were written');
    assert.equal(done.download_url, `${accepted.body.status_url}/download`);

    const file = await fetch(done.download_url, { headers: account.auth });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment; filename="pvtlnk-links-\d{4}-\d\d-\d\d\.csv"$/);
    assert.deepEqual(codes(await file.text()), ['slow']);

    const listed = await request(stack.url('/api/v1/jobs'), { headers: account.auth });
    assert.deepEqual(listed.body.jobs.map((j: { job_id: string; status: string }) => [j.job_id, j.status]), [[accepted.body.job_id, 'completed']]);

    const stranger = await createAccount(stack.services);
    assert.equal((await request(done.download_url, { headers: stranger.auth })).status, 404);
    assert.deepEqual((await request(stack.url('/api/v1/jobs'), { headers: stranger.auth })).body, { success: true, jobs: [] });
    assert.equal((await request(stack.url('/api/v1/jobs/not-a-uuid'), { headers: account.auth })).status, 404);
  });

  it('streams a file of many chunks back byte for byte', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ user_id: account.user.id, short_code: `bulk-${i}`, destination_url: `https://example.com/${'p'.repeat(100)}/${i}`, utm_params: '{}' }));
    for (let i = 0; i < rows.length; i += 1000) await stack.services.db('links').insert(rows.slice(i, i + 1000));
    const { res, text } = await exportCsv();
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(text));
    const exported = codes(text);
    assert.equal(exported.length, 3000);
    assert.equal(exported[2999], 'bulk-2999');
    const [stored] = await stack.services.db('job_file_chunks').count({ chunks: '*' });
    assert.ok(Number(stored?.chunks) > 1, `stored in several chunks (${stored?.chunks})`);
  });
});
