import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { storeClicks, type ClickRow } from '../../src/db/click-store';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request, type JsonResponse } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

const DOCUMENTED_LINK_KEYS = [
  'id', 'short_code', 'short_url', 'destination_url', 'title', 'description', 'tags', 'click_count', 'active', 'archived',
  'password_protected', 'is_scheduled', 'scheduled_start_at', 'scheduled_end_at', 'expires', 'expires_at', 'last_clicked_at',
  'created_at', 'updated_at', 'utm_params',
];

describe('Links API', () => {
  const { stack, account } = useStackWithAccount({}, { plan: 'enterprise' });

  function post(body: unknown, who: TestAccount = account): Promise<JsonResponse> {
    return request(stack.url('/api/v1/links'), { method: 'POST', headers: who.auth, json: body });
  }
  function patch(id: number, body: unknown, who: TestAccount = account): Promise<JsonResponse> {
    return request(stack.url(`/api/v1/links/${id}`), { method: 'PATCH', headers: who.auth, json: body });
  }
  function get(path: string, who: TestAccount = account): Promise<JsonResponse> {
    return request(stack.url(path), { headers: who.auth });
  }
  async function created(link: Record<string, unknown> = {}, password?: string | null): Promise<any> {
    const res = await post({ link: { destination_url: 'https://example.com', ...link }, ...(password !== undefined ? { password } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }
  async function collectionOf(userId: number, slug = `c-${randomUUID()}`): Promise<number> {
    const [row] = await stack.services.db('collections').insert({ user_id: userId, slug, name: slug }).returning('id');
    return row.id;
  }
  async function linkCount(): Promise<number> {
    return Number((await stack.services.db('links').count({ n: '*' }))[0]?.n);
  }
  function assertValidation(res: JsonResponse, message: RegExp): void {
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.success, false);
    assert.equal(res.body.error, 'Validation failed');
    assert.ok(Array.isArray(res.body.errors));
    assert.match(res.body.errors.join('\n'), message, JSON.stringify(res.body.errors));
  }

  describe('POST /api/v1/links', () => {
    it('creates a link with a generated code and the documented defaults', async () => {
      const res = await post({ link: { destination_url: 'https://example.com/a' } });
      assert.equal(res.status, 201);
      assert.equal(res.body.success, true);
      const link = res.body.link;
      for (const key of DOCUMENTED_LINK_KEYS) assert.ok(key in link, `link has ${key}`);
      assert.match(link.short_code, /^[A-Za-z0-9]{7}$/);
      assert.equal(link.short_url, `${stack.baseUrl}/${link.short_code}`);
      assert.deepEqual(
        { ...link, id: 0, short_code: '', short_url: '', created_at: '', updated_at: '' },
        {
          id: 0, short_code: '', short_url: '', destination_url: 'https://example.com/a', title: null, description: null, tags: [],
          click_count: 0, active: true, archived: false, password_protected: false, is_scheduled: false, scheduled_start_at: null,
          scheduled_end_at: null, expires: false, expires_at: null, last_clicked_at: null, created_at: '', updated_at: '',
          utm_params: {}, collection_id: null, append_click_id: false, preview_title: null, preview_description: null, preview_image_url: null, domain: null,
        },
      );
    });

    it('stores every documented field, with the password only as an scrypt hash', async () => {
      const collectionId = await collectionOf(account.user.id);
      const res = await post({
        link: {
          destination_url: 'https://example.com/campaign',
          title: 'My Campaign Link',
          description: 'Spring newsletter',
          short_code: 'custom-code',
          tags: ['spring', ' news ', 'spring'],
          collection_id: collectionId,
          scheduled_start_at: '2026-04-01T00:00:00Z',
          scheduled_end_at: '2026-04-30T23:59:59+02:00',
          expires: true,
          expires_at: '2026-05-01T00:00:00Z',
          utm_params: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'apr-2026' },
          active: false,
        },
        password: 'optional-password',
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const link = res.body.link;
      assert.equal(link.short_code, 'custom-code');
      assert.equal(link.short_url, `${stack.baseUrl}/custom-code`);
      assert.equal(link.title, 'My Campaign Link');
      assert.equal(link.description, 'Spring newsletter');
      assert.deepEqual(link.tags, ['spring', 'news']);
      assert.equal(link.collection_id, collectionId);
      assert.equal(link.is_scheduled, true);
      assert.equal(link.scheduled_start_at, '2026-04-01T00:00:00.000Z');
      assert.equal(link.scheduled_end_at, '2026-04-30T21:59:59.000Z');
      assert.equal(link.expires, true);
      assert.equal(link.expires_at, '2026-05-01T00:00:00.000Z');
      assert.deepEqual(link.utm_params, { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'apr-2026' });
      assert.equal(link.active, false);
      assert.equal(link.password_protected, true);
      assert.ok(!('password' in link) && !('password_hash' in link));
      const row = await stack.services.db('links').where({ id: link.id }).first();
      assert.match(row.password_hash, /^scrypt\$/);
      assert.ok(!JSON.stringify(row).includes('optional-password'));
    });

    it('turns expiry on when expires_at is given without expires', async () => {
      const link = await created({ expires_at: '2030-01-01T00:00:00Z' });
      assert.equal(link.expires, true);
    });

    it('refuses scheduling on the free plan with 403 and writes nothing', async () => {
      const free = await createAccount(stack.services, { plan: 'free' });
      const res = await post({ link: { destination_url: 'https://example.com', scheduled_end_at: '2030-01-01T00:00:00Z' } }, free);
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { success: false, error: 'Feature not available on your plan' });
      assert.equal(await linkCount(), 0);
      const unscheduled = await post({ link: { destination_url: 'https://example.com', scheduled_start_at: null, scheduled_end_at: null } }, free);
      assert.equal(unscheduled.status, 201);
    });

    it('allows scheduling on the pro plan', async () => {
      const pro = await createAccount(stack.services, { plan: 'pro' });
      const res = await post({ link: { destination_url: 'https://example.com', scheduled_start_at: '2030-01-01T00:00:00Z' } }, pro);
      assert.equal(res.status, 201);
      assert.equal(res.body.link.is_scheduled, true);
    });

    it('refuses a schedule that ends before it starts', async () => {
      assertValidation(await post({ link: { destination_url: 'https://example.com', scheduled_start_at: '2030-02-01T00:00:00Z', scheduled_end_at: '2030-01-01T00:00:00Z' } }), /Scheduled end at must be after scheduled start at/);
      assert.equal(await linkCount(), 0);
    });

    it("refuses another user's collection and an unknown one as if neither existed", async () => {
      const other = await createAccount(stack.services);
      const theirs = await collectionOf(other.user.id);
      assertValidation(await post({ link: { destination_url: 'https://example.com', collection_id: theirs } }), /^Collection must exist$/);
      assertValidation(await post({ link: { destination_url: 'https://example.com', collection_id: 999999 } }), /^Collection must exist$/);
      assert.equal(await linkCount(), 0);
    });

    it('answers "Short code has already been taken" for a code in use, whoever owns it', async () => {
      await created({ short_code: 'taken' });
      assertValidation(await post({ link: { destination_url: 'https://example.com', short_code: 'taken' } }), /^Short code has already been taken$/);
      const other = await createAccount(stack.services);
      assertValidation(await post({ link: { destination_url: 'https://example.com', short_code: 'taken' } }, other), /^Short code has already been taken$/);
    });

    it('lets exactly one of two concurrent creates of one code win', async () => {
      for (let round = 0; round < 5; round++) {
        const code = `race-${round}`;
        const results = await Promise.all([1, 2].map((n) => post({ link: { destination_url: `https://example.com/${n}`, short_code: code } })));
        assert.deepEqual(results.map((r) => r.status).sort(), [201, 422], JSON.stringify(results.map((r) => r.body)));
        const loser = results.find((r) => r.status === 422) as JsonResponse;
        assert.deepEqual(loser.body.errors, ['Short code has already been taken']);
        assert.equal(Number((await stack.services.db('links').where({ short_code: code }).count({ n: '*' }))[0]?.n), 1);
      }
    });

    it('refuses reserved and malformed short codes', async () => {
      const cases: Array<[unknown, RegExp]> = [
        ['api', /reserved/], ['Admin', /reserved/], ['healthz', /reserved/],
        ['has space', /may contain only/], ['a/b', /may contain only/], ['-lead', /may contain only/], ['x'.repeat(65), /may contain only/], ['', /may contain only/],
        [42, /Short code must be a string/],
      ];
      for (const [short_code, message] of cases) {
        assertValidation(await post({ link: { destination_url: 'https://example.com', short_code } }), message);
      }
      assert.equal(await linkCount(), 0);
    });

    it('refuses destinations that are not http(s) or are too long', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [undefined, /^Destination url can't be blank$/],
        [null, /^Destination url can't be blank$/],
        ['   ', /^Destination url can't be blank$/],
        ['ftp://example.com/file', /http or https/],
        ['javascript:alert(1)', /http or https/],
        ['data:text/html,hi', /http or https/],
        ['file:///etc/passwd', /http or https/],
        ['example.com', /http or https/],
        [`https://example.com/${'a'.repeat(2048)}`, /too long/],
      ];
      for (const [destination_url, message] of cases) {
        assertValidation(await post({ link: { destination_url } }), message);
      }
      assert.equal(await linkCount(), 0);
    });

    it('answers every field with a wrong type or size with a readable message naming it', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ title: 5 }, /^Title must be a string$/],
        [{ title: 't'.repeat(256) }, /^Title is too long \(maximum is 255 characters\)$/],
        [{ description: 'd'.repeat(2001) }, /^Description is too long/],
        [{ tags: 'a,b' }, /^Tags must be an array of strings$/],
        [{ tags: [1] }, /^Tags must be an array of strings$/],
        [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /at most 20 tags/],
        [{ tags: ['x'.repeat(51)] }, /too long/],
        [{ tags: ['a,b'] }, /^Tag "a,b" can't contain a comma$/],
        [{ tags: [' '] }, /blank tag/],
        [{ tags: ['a\u0000b'] }, /^Tags can't contain control characters$/],
        [{ title: 'a\u0000b' }, /^Title can't contain control characters$/],
        [{ description: '\u0000' }, /^Description can't contain control characters$/],
        [{ destination_url: 'https://example.com/\u0000' }, /^Destination url can't contain control characters/],
        [{ utm_params: { utm_source: 'a\u0000' } }, /utm_source must be a non-empty string/],
        [{ collection_id: 'abc' }, /^Collection id must be a whole number$/],
        [{ collection_id: 1.5 }, /^Collection id must be a whole number$/],
        [{ collection_id: 1e20 }, /^Collection id must be a whole number$/],
        [{ collection_id: 0 }, /^Collection id must be a whole number$/],
        [{ collection_id: -1.5 }, /^Collection id must be a whole number$/],
        [{ scheduled_start_at: 'tomorrow' }, /^Scheduled start at must be an ISO 8601 date-time/],
        [{ scheduled_end_at: '2026-04-01' }, /^Scheduled end at must be an ISO 8601 date-time/],
        [{ expires_at: '0000-01-01T00:00:00Z' }, /^Expires at must be between the years 1970 and 9999$/],
        [{ expires: 'true' }, /^Expires must be true or false$/],
        [{ active: 1 }, /^Active must be true or false$/],
        [{ utm_params: ['utm_source'] }, /^Utm params must be an object/],
        [{ utm_params: { ref: 'x' } }, /key "ref" is not allowed/],
        [{ utm_params: { UTM_SOURCE: 'x' } }, /key "UTM_SOURCE" is not allowed/],
        [{ utm_params: { utm_source: 5 } }, /utm_source must be a non-empty string/],
        [{ utm_params: { utm_source: '' } }, /utm_source must be a non-empty string/],
        [{ utm_params: { utm_source: 'v'.repeat(201) } }, /utm_source must be a non-empty string of at most 200/],
        [{ utm_params: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`utm_k${i}`, 'v'])) }, /at most 10 parameters/],
      ];
      for (const [fields, message] of cases) {
        assertValidation(await post({ link: { destination_url: 'https://example.com', ...fields } }), message);
      }
      assertValidation(await post({ link: 'https://example.com' }), /^Link must be an object/);
      assert.equal(await linkCount(), 0);
    });

    it('reports every failing field at once', async () => {
      const res = await post({ link: { title: 5, short_code: 'api', tags: 'x' } });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.errors.sort(), ["Destination url can't be blank", 'Short code is reserved', 'Tags must be an array of strings', 'Title must be a string'].sort());
    });

    it('refuses a blank, overlong or non-string password', async () => {
      assertValidation(await post({ link: { destination_url: 'https://example.com' }, password: '' }), /^Password can't be blank/);
      assertValidation(await post({ link: { destination_url: 'https://example.com' }, password: 'p'.repeat(129) }), /^Password is too long/);
      assertValidation(await post({ link: { destination_url: 'https://example.com' }, password: 1234 }), /^Password must be a string$/);
      assert.equal(await linkCount(), 0);
      const unprotected = await created({}, null);
      assert.equal(unprotected.password_protected, false);
    });

    it('answers 401 in the envelope without a token, on every links call', async () => {
      const calls: Array<[string, string]> = [['GET', '/api/v1/links'], ['POST', '/api/v1/links'], ['GET', '/api/v1/links/1'], ['PATCH', '/api/v1/links/1'], ['DELETE', '/api/v1/links/1']];
      for (const [method, path] of calls) {
        const res = await request(stack.url(path), { method, json: method === 'POST' || method === 'PATCH' ? { link: {} } : undefined });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.body.success, false);
        assert.equal(typeof res.body.error, 'string');
      }
    });

    it('refuses a token without links:write', async () => {
      const reader = await createAccount(stack.services, { scopes: ['links:read'] });
      const res = await post({ link: { destination_url: 'https://example.com' } }, reader);
      assert.equal(res.status, 403);
      assert.equal(res.body.success, false);
    });
  });

  describe('GET /api/v1/links', () => {
    it('pages newest first with the documented pagination object', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await created({ title: `L${i}` })).id);
      const first = await get('/api/v1/links?per_page=2');
      assert.equal(first.status, 200);
      assert.equal(first.body.success, true);
      assert.deepEqual(first.body.links.map((l: any) => l.id), [ids[4], ids[3]]);
      assert.deepEqual(first.body.pagination, { page: 1, per_page: 2, total: 5, total_pages: 3 });
      const last = await get('/api/v1/links?per_page=2&page=3');
      assert.deepEqual(last.body.links.map((l: any) => l.id), [ids[0]]);
      const beyond = await get('/api/v1/links?per_page=2&page=4');
      assert.deepEqual(beyond.body.links, []);
      assert.deepEqual(beyond.body.pagination, { page: 4, per_page: 2, total: 5, total_pages: 3 });
      for (const key of DOCUMENTED_LINK_KEYS) assert.ok(key in (first.body.links[0] as object), `listed link has ${key}`);
    });

    it('defaults to page 1 of 50 and allows at most 100 per page', async () => {
      const empty = await get('/api/v1/links');
      assert.deepEqual(empty.body, { success: true, links: [], pagination: { page: 1, per_page: 50, total: 0, total_pages: 0 } });
      const max = await get('/api/v1/links?per_page=100');
      assert.equal(max.body.pagination.per_page, 100);
    });

    it('filters by active, archived, scheduled and collection', async () => {
      const collectionId = await collectionOf(account.user.id);
      const plain = await created();
      const inactive = await created({ active: false });
      const archived = await created();
      await request(stack.url(`/api/v1/links/${archived.id}`), { method: 'DELETE', headers: account.auth });
      const scheduled = await created({ scheduled_end_at: '2030-01-01T00:00:00Z' });
      const inCollection = await created({ collection_id: collectionId });
      const idsOf = async (query: string) => ((await get(`/api/v1/links?${query}`)).body.links as Array<{ id: number }>).map((l) => l.id).sort((a, b) => a - b);
      const sorted = (...ids: number[]) => ids.sort((a, b) => a - b);
      assert.deepEqual(await idsOf(''), sorted(plain.id, inactive.id, archived.id, scheduled.id, inCollection.id));
      assert.deepEqual(await idsOf('active=true'), sorted(plain.id, archived.id, scheduled.id, inCollection.id));
      assert.deepEqual(await idsOf('active=false'), [inactive.id]);
      assert.deepEqual(await idsOf('archived=true'), [archived.id]);
      assert.deepEqual(await idsOf('archived=false&active=true'), sorted(plain.id, scheduled.id, inCollection.id));
      assert.deepEqual(await idsOf('scheduled=true'), [scheduled.id]);
      assert.deepEqual(await idsOf('scheduled=1&archived=0'), [scheduled.id]);
      assert.deepEqual(await idsOf(`collection_id=${collectionId}`), [inCollection.id]);
      const page = await get('/api/v1/links?archived=true&per_page=1');
      assert.equal(page.body.pagination.total, 1);
    });

    it('finds links by text in the short code, title or destination, and by tag', async () => {
      const byCode = await created({ short_code: 'spring-sale' });
      const byTitle = await created({ title: 'The Spring catalogue' });
      const byDestination = await created({ destination_url: 'https://shop.example/springtime' });
      const tagged = await created({ title: 'other', tags: ['promo', 'q1'] });
      await created({ title: 'unrelated' });
      const idsOf = async (query: string) => ((await get(`/api/v1/links?${query}`)).body.links as Array<{ id: number }>).map((l) => l.id).sort((a, b) => a - b);
      assert.deepEqual(await idsOf('q=SPRING'), [byCode.id, byTitle.id, byDestination.id]);
      assert.deepEqual(await idsOf('q=%25'), [], 'a % is the character, not a wildcard');
      assert.deepEqual(await idsOf('tag=promo'), [tagged.id]);
      assert.deepEqual(await idsOf('tag=prom'), [], 'a tag matches whole');
      assert.deepEqual(await idsOf('q=spring&tag=promo'), []);
    });

    it('sorts by created_at, clicks or last_clicked_at in the order asked', async () => {
      const a = await created();
      const b = await created();
      const c = await created();
      await stack.services.db('links').where({ id: a.id }).update({ click_count: 5, last_clicked_at: new Date('2026-01-03T00:00:00Z') });
      await stack.services.db('links').where({ id: b.id }).update({ click_count: 9, last_clicked_at: new Date('2026-01-01T00:00:00Z') });
      const order = async (query: string) => ((await get(`/api/v1/links?${query}`)).body.links as Array<{ id: number }>).map((l) => l.id);
      assert.deepEqual(await order('sort=created_at&order=asc'), [a.id, b.id, c.id]);
      assert.deepEqual(await order('sort=created_at&order=desc'), [c.id, b.id, a.id]);
      assert.deepEqual(await order('sort=clicks&order=desc'), [b.id, a.id, c.id]);
      assert.deepEqual(await order('sort=clicks&order=asc'), [c.id, a.id, b.id]);
      assert.deepEqual(await order('sort=last_clicked_at&order=desc'), [a.id, b.id, c.id], 'never clicked comes last');
      assert.deepEqual(await order('sort=-clicks&order=asc'), [c.id, a.id, b.id], 'order overrides the - prefix');
      assert.deepEqual(await order('order=asc'), [a.id, b.id, c.id], 'created_at by default');
    });

    it('serves a search and a tag filter from indexes', async () => {
      const plans = await stack.services.db.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_seqscan = off');
        const explain = async (where: string, binding: string) =>
          ((await trx.raw(`EXPLAIN SELECT id FROM links WHERE ${where}`, [binding])).rows as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']).join('\n');
        return [await explain('title ILIKE ?', '%spring%'), await explain('tags @> ARRAY[?]::text[]', 'promo')];
      });
      assert.match(plans[0] ?? '', /links_search_trgm/);
      assert.match(plans[1] ?? '', /links_tags_gin/);
    });

    it("never lists another user's links", async () => {
      await created();
      const other = await createAccount(stack.services);
      const res = await get('/api/v1/links', other);
      assert.deepEqual(res.body.links, []);
      assert.equal(res.body.pagination.total, 0);
    });

    it('answers 400 in the envelope for bad query parameters', async () => {
      const cases: Array<[string, RegExp]> = [
        ['page=0', /^Page must be a whole number from 1 to/],
        ['page=abc', /^Page must be a whole number/],
        ['page=-1', /^Page must be a whole number/],
        ['page=1&page=2', /^Page must be a whole number/],
        ['per_page=0', /^Per page must be a whole number from 1 to 100$/],
        ['per_page=101', /^Per page must be a whole number from 1 to 100$/],
        ['per_page=2.5', /^Per page must be a whole number/],
        ['active=maybe', /^Active must be true or false$/],
        ['archived=yes', /^Archived must be true or false$/],
        ['scheduled=', /^Scheduled must be true or false$/],
        ['collection_id=x', /^Collection id must be a whole number/],
        ['sort=popularity', /^Sort must be one of/],
        ['order=up', /^Order must be asc or desc$/],
        ['q=a%0Ab', /Q/],
      ];
      for (const [query, message] of cases) {
        const res = await get(`/api/v1/links?${query}`);
        assert.equal(res.status, 400, query);
        assert.equal(res.body.success, false);
        assert.equal(res.body.error, 'Invalid query parameters');
        assert.match(res.body.errors.join('\n'), message, `${query}: ${JSON.stringify(res.body.errors)}`);
      }
    });
  });

  describe('GET /api/v1/links/:id', () => {
    function click(linkId: number, at: Date, overrides: Partial<ClickRow> = {}): ClickRow {
      return {
        event_id: randomUUID(), link_id: linkId, user_id: account.user.id, variant_id: null, clicked_at: at, trigger: 'link', rule_id: null,
        hashed_ip: 'a'.repeat(64), hashed_user_agent: 'b'.repeat(64), referrer_domain: 'google.com', country_code: 'CH', city: 'Zurich',
        device_type: 'desktop', browser_family: 'Chrome', os_family: 'macOS', is_bot: false, ...overrides,
      };
    }

    it('adds analytics: total human clicks and the last 10, newest first, with the documented fields', async () => {
      const link = await created();
      const start = Date.now() - 60_000;
      const rows = Array.from({ length: 12 }, (_, i) => click(link.id, new Date(start + i * 1000)));
      rows.push(click(link.id, new Date(start + 20_000), { is_bot: true, browser_family: 'Googlebot' }));
      await storeClicks(stack.services.db, rows);
      const res = await get(`/api/v1/links/${link.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.link.click_count, 12);
      const { analytics } = res.body.link;
      assert.equal(analytics.total_clicks, 12);
      assert.equal(analytics.recent_clicks.length, 10);
      assert.equal(analytics.recent_clicks[0].clicked_at, new Date(start + 11_000).toISOString());
      assert.ok(analytics.recent_clicks.every((c: any) => c.browser_family === 'Chrome'), 'bots are left out');
      assert.deepEqual(analytics.recent_clicks[0], {
        clicked_at: new Date(start + 11_000).toISOString(), hashed_ip: 'a'.repeat(64), hashed_user_agent: 'b'.repeat(64),
        referrer_domain: 'google.com', country_code: 'CH', device_type: 'desktop', browser_family: 'Chrome', os_family: 'macOS',
      });
    });

    it('adds the attribution window beside the one before it with compare=previous, bots counted apart', async () => {
      const link = await created();
      const day = (daysAgo: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - daysAgo * 86_400_000);
      await stack.services.db('link_daily_stats').insert([
        { link_id: link.id, user_id: account.user.id, day: day(0), clicks: 5, unique_visitors: 1 },
        { link_id: link.id, user_id: account.user.id, day: day(29), clicks: 2, unique_visitors: 1 },
        { link_id: link.id, user_id: account.user.id, day: day(30), clicks: 7, unique_visitors: 1 },
        { link_id: link.id, user_id: account.user.id, day: day(60), clicks: 100, unique_visitors: 1 },
      ]);
      await storeClicks(stack.services.db, [
        click(link.id, new Date(Date.now() - 1000), { is_bot: true }),
        click(link.id, new Date(day(35).getTime() + 1000), { is_bot: true }),
        click(link.id, new Date(day(35).getTime() + 2000), { is_bot: true }),
      ]);
      const res = await get(`/api/v1/links/${link.id}?compare=previous`);
      assert.equal(res.status, 200);
      const { comparison } = res.body.link.analytics;
      assert.equal(comparison.current.total_clicks, 7);
      assert.equal(comparison.current.bot_clicks, 1);
      assert.equal(comparison.previous.total_clicks, 7);
      assert.equal(comparison.previous.bot_clicks, 2);
      assert.equal(comparison.previous.period.end_date, comparison.current.period.start_date);
      assert.equal((await get(`/api/v1/links/${link.id}`)).body.link.analytics.comparison, undefined);
      const bad = await get(`/api/v1/links/${link.id}?compare=next`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.success, false);
    });

    it('shows a link without clicks with empty analytics', async () => {
      const link = await created();
      const res = await get(`/api/v1/links/${link.id}`);
      assert.deepEqual(res.body.link.analytics, { total_clicks: 0, recent_clicks: [], trigger_breakdown: { qr: 0, link: 0 }, rule_breakdown: [] });
      for (const key of DOCUMENTED_LINK_KEYS) assert.ok(key in res.body.link, `link has ${key}`);
    });

    it("answers 404 for another user's link, an unknown id and a malformed one", async () => {
      const link = await created();
      const other = await createAccount(stack.services);
      for (const [path, who] of [[`/api/v1/links/${link.id}`, other], ['/api/v1/links/999999', account], ['/api/v1/links/1e3', account], ['/api/v1/links/12345678901234567890', account]] as const) {
        const res = await get(path, who);
        assert.equal(res.status, 404, path);
        assert.equal(res.body.success, false);
      }
    });
  });

  describe('PATCH /api/v1/links/:id', () => {
    it('changes only the fields sent', async () => {
      const link = await created({ title: 'Old', tags: ['a'], utm_params: { utm_source: 'x' } });
      const res = await patch(link.id, { link: { destination_url: 'https://new-destination.com', title: 'Updated Title' } });
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assert.equal(res.body.link.destination_url, 'https://new-destination.com/', 'stored in canonical form (new URL(x).href)');
      assert.equal(res.body.link.title, 'Updated Title');
      assert.deepEqual(res.body.link.tags, ['a']);
      assert.deepEqual(res.body.link.utm_params, { utm_source: 'x' });
      assert.equal(res.body.link.short_code, link.short_code);
      assert.ok(res.body.link.updated_at >= link.updated_at);
      const noop = await patch(link.id, { link: {} });
      assert.equal(noop.status, 200);
      assert.equal(noop.body.link.title, 'Updated Title');
    });

    it('updates every documented field and clears nullable ones with null', async () => {
      const collectionId = await collectionOf(account.user.id);
      const link = await created({ title: 'T', description: 'D', collection_id: collectionId, expires_at: '2030-01-01T00:00:00Z' });
      const res = await patch(link.id, {
        link: {
          short_code: 'renamed', title: null, description: null, tags: ['x', 'y'], collection_id: null, scheduled_start_at: '2030-01-01T00:00:00Z',
          scheduled_end_at: '2030-02-01T00:00:00Z', expires_at: null, utm_params: { utm_campaign: 'c' }, active: false,
        },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const updated = res.body.link;
      assert.equal(updated.short_code, 'renamed');
      assert.equal(updated.short_url, `${stack.baseUrl}/renamed`);
      assert.equal(updated.title, null);
      assert.equal(updated.description, null);
      assert.deepEqual(updated.tags, ['x', 'y']);
      assert.equal(updated.collection_id, null);
      assert.equal(updated.is_scheduled, true);
      assert.equal(updated.expires, false, 'clearing expires_at turns expiry off');
      assert.equal(updated.expires_at, null);
      assert.deepEqual(updated.utm_params, { utm_campaign: 'c' });
      assert.equal(updated.active, false);
    });

    it('sets, keeps and removes the top-level password', async () => {
      const link = await created();
      const hashOf = async () => (await stack.services.db('links').where({ id: link.id }).first()).password_hash;
      assert.equal((await patch(link.id, { link: {}, password: 'first password' })).body.link.password_protected, true);
      const first = await hashOf();
      assert.equal((await patch(link.id, { link: { title: 'x' } })).body.link.password_protected, true);
      assert.equal(await hashOf(), first, 'absent leaves it');
      await patch(link.id, { link: {}, password: 'second password' });
      assert.notEqual(await hashOf(), first);
      assert.equal((await patch(link.id, { link: {}, password: null })).body.link.password_protected, false);
      assert.equal(await hashOf(), null);
      assertValidation(await patch(link.id, { link: {}, password: '' }), /^Password can't be blank/);
      assert.equal((await patch(link.id, { password: 'alone password' })).body.link.password_protected, true, 'the password may change without a link object');
    });

    it('checks the schedule against the stored values', async () => {
      const link = await created({ scheduled_start_at: '2030-02-01T00:00:00Z' });
      assertValidation(await patch(link.id, { link: { scheduled_end_at: '2030-01-01T00:00:00Z' } }), /Scheduled end at must be after scheduled start at/);
      const ok = await patch(link.id, { link: { scheduled_end_at: '2030-03-01T00:00:00Z' } });
      assert.equal(ok.status, 200);
    });

    it('refuses setting a schedule on the free plan but lets a free user clear one', async () => {
      const free = await createAccount(stack.services, { plan: 'free' });
      const res = await post({ link: { destination_url: 'https://example.com' } }, free);
      const denied = await patch(res.body.link.id, { link: { scheduled_start_at: '2030-01-01T00:00:00Z' } }, free);
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error, 'Feature not available on your plan');
      const cleared = await patch(res.body.link.id, { link: { scheduled_start_at: null, title: 'fine' } }, free);
      assert.equal(cleared.status, 200);
    });

    it('refuses a taken code, a reserved code, a bad destination and a foreign collection without changing anything', async () => {
      await created({ short_code: 'taken' });
      const link = await created({ short_code: 'mine' });
      const other = await createAccount(stack.services);
      const theirs = await collectionOf(other.user.id);
      assertValidation(await patch(link.id, { link: { short_code: 'taken' } }), /^Short code has already been taken$/);
      assertValidation(await patch(link.id, { link: { short_code: 'docs' } }), /reserved/);
      assertValidation(await patch(link.id, { link: { short_code: null } }), /Short code can't be blank/);
      assertValidation(await patch(link.id, { link: { destination_url: 'javascript:alert(1)' } }), /http or https/);
      assertValidation(await patch(link.id, { link: { destination_url: null } }), /Destination url can't be blank/);
      assertValidation(await patch(link.id, { link: { collection_id: theirs, title: 'changed' } }), /^Collection must exist$/);
      assertValidation(await patch(link.id, {}), /Link can't be blank/);
      const row = await stack.services.db('links').where({ id: link.id }).first();
      assert.equal(row.short_code, 'mine');
      assert.equal(row.title, null);
    });

    it("answers 404 for another user's link and an unknown one", async () => {
      const link = await created();
      const other = await createAccount(stack.services);
      const res = await patch(link.id, { link: { title: 'hijack' } }, other);
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { success: false, error: 'Link not found' });
      assert.equal((await patch(999999, { link: { title: 'x' } })).status, 404);
      assert.equal((await stack.services.db('links').where({ id: link.id }).first()).title, null);
    });

    it('restores an archived link with archived: false', async () => {
      const link = await created();
      await request(stack.url(`/api/v1/links/${link.id}`), { method: 'DELETE', headers: account.auth });
      const res = await patch(link.id, { link: { archived: false } });
      assert.equal(res.body.link.archived, false);
    });
  });

  describe('DELETE /api/v1/links/:id', () => {
    it('archives and keeps the link and its clicks', async () => {
      const link = await created();
      const res = await request(stack.url(`/api/v1/links/${link.id}`), { method: 'DELETE', headers: account.auth });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { success: true, message: 'Link archived successfully' });
      const after = await get(`/api/v1/links/${link.id}`);
      assert.equal(after.status, 200);
      assert.equal(after.body.link.archived, true);
      const again = await request(stack.url(`/api/v1/links/${link.id}`), { method: 'DELETE', headers: account.auth });
      assert.equal(again.status, 200, 'archiving twice is harmless');
    });

    it("answers 404 for another user's link and leaves it alone", async () => {
      const link = await created();
      const other = await createAccount(stack.services);
      const res = await request(stack.url(`/api/v1/links/${link.id}`), { method: 'DELETE', headers: other.auth });
      assert.equal(res.status, 404);
      assert.equal((await stack.services.db('links').where({ id: link.id }).first()).archived, false);
    });
  });
});
