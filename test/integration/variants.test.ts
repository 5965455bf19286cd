import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { settleClicks, waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('A/B variants', () => {
  const { stack, account } = useStackWithAccount({ workers: true }, { plan: 'pro' });
  const settle = () => settleClicks(stack);
  // Let each test's clicks land before the next reset truncates their links away under them.
  afterEach(settle);

  async function createLink(owner = account, fields: Record<string, unknown> = {}): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: owner.auth, json: { link: { destination_url: 'https://example.com/primary', ...fields } } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }

  async function addVariant(linkId: number, variant: Record<string, unknown>, owner = account) {
    return request(stack.url(`/api/v1/links/${linkId}/variants`), { method: 'POST', headers: owner.auth, json: { variant } });
  }

  async function listVariants(linkId: number, owner = account) {
    return request(stack.url(`/api/v1/links/${linkId}/variants`), { headers: owner.auth });
  }

  function follow(code: string, headers: Record<string, string> = {}) {
    return fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER, ...headers } });
  }

  describe('the API', () => {
    it('creates, lists, updates and deletes variants with the documented fields and messages', async () => {
      const link = await createLink();
      const created = await addVariant(link.id, { name: 'Variant B', destination_url: 'https://landing-b.com', weight: 30 });
      assert.equal(created.status, 201);
      assert.equal(created.body.success, true);
      const variant = created.body.variant;
      assert.deepEqual(Object.keys(variant).sort(), ['active', 'click_count', 'click_percentage', 'created_at', 'destination_url', 'id', 'name', 'updated_at', 'weight']);
      assert.equal(variant.name, 'Variant B');
      assert.equal(variant.weight, 30);
      assert.equal(variant.active, true);
      assert.equal(variant.click_count, 0);
      assert.equal(variant.click_percentage, 0);

      const defaults = await addVariant(link.id, { name: 'Variant A', destination_url: 'https://landing-a.com' });
      assert.equal(defaults.body.variant.weight, 50, 'weight defaults to 50');

      let list = await listVariants(link.id);
      assert.equal(list.status, 200);
      assert.equal(list.body.ab_testing_active, true);
      assert.deepEqual(list.body.variants.map((v: { name: string }) => v.name), ['Variant B', 'Variant A']);

      const patched = await request(stack.url(`/api/v1/links/${link.id}/variants/${variant.id}`), { method: 'PATCH', headers: account.auth, json: { variant: { weight: 70, active: true } } });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.variant.weight, 70);
      assert.equal(patched.body.variant.name, 'Variant B', 'fields not sent are kept');

      const deleted = await request(stack.url(`/api/v1/links/${link.id}/variants/${variant.id}`), { method: 'DELETE', headers: account.auth });
      assert.deepEqual(deleted.body, { success: true, message: 'Variant deleted successfully' });
      list = await listVariants(link.id);
      assert.equal(list.body.variants.length, 1);
    });

    it('reports ab_testing_active false when no variant is active', async () => {
      const link = await createLink();
      assert.equal((await listVariants(link.id)).body.ab_testing_active, false);
      await addVariant(link.id, { name: 'Off', destination_url: 'https://off.example', active: false });
      const list = await listVariants(link.id);
      assert.equal(list.body.ab_testing_active, false);
      assert.equal(list.body.variants.length, 1);
    });

    it('answers 422 with readable errors for bad weights, URLs and names, and writes nothing', async () => {
      const link = await createLink();
      const cases: Array<[unknown, RegExp]> = [
        [{ name: 'x', destination_url: 'https://a.example', weight: -1 }, /Weight must be a whole number from 0 to 1000/],
        [{ name: 'x', destination_url: 'https://a.example', weight: 1001 }, /Weight/],
        [{ name: 'x', destination_url: 'https://a.example', weight: 1.5 }, /Weight/],
        [{ name: 'x', destination_url: 'https://a.example', weight: '50' }, /Weight/],
        [{ name: 'x', destination_url: 'javascript:alert(1)' }, /Destination url must be a valid http or https URL/],
        [{ name: 'x', destination_url: 'ftp://files.example/x' }, /http or https/],
        [{ name: 'x' }, /Destination url can't be blank/],
        [{ destination_url: 'https://a.example' }, /Name can't be blank/],
        [{ name: '   ', destination_url: 'https://a.example' }, /Name can't be blank/],
        [{ name: 'n'.repeat(101), destination_url: 'https://a.example' }, /Name is too long/],
        [{ name: 'x', destination_url: 'https://a.example', active: 'yes' }, /Active must be true or false/],
      ];
      for (const [variant, message] of cases) {
        const res = await addVariant(link.id, variant as Record<string, unknown>);
        assert.equal(res.status, 422, JSON.stringify(variant));
        assert.equal(res.body.success, false);
        assert.equal(res.body.error, 'Validation failed');
        assert.match(res.body.errors.join('\n'), message, JSON.stringify(res.body));
      }
      const missing = await request(stack.url(`/api/v1/links/${link.id}/variants`), { method: 'POST', headers: account.auth, json: {} });
      assert.equal(missing.status, 422);
      assert.match(missing.body.errors.join(), /Variant is required/);
      const emptyPatch = await addVariant(link.id, { name: 'ok', destination_url: 'https://ok.example' });
      const noChange = await request(stack.url(`/api/v1/links/${link.id}/variants/${emptyPatch.body.variant.id}`), { method: 'PATCH', headers: account.auth, json: { variant: {} } });
      assert.equal(noChange.status, 422);
      assert.equal((await listVariants(link.id)).body.variants.length, 1);
    });

    it('refuses a 21st variant on one link', async () => {
      const link = await createLink();
      for (let i = 0; i < 20; i++) assert.equal((await addVariant(link.id, { name: `v${i}`, destination_url: 'https://a.example' })).status, 201);
      const res = await addVariant(link.id, { name: 'one too many', destination_url: 'https://a.example' });
      assert.equal(res.status, 422);
      assert.match(res.body.errors.join(), /at most 20 variants/);
    });

    it('answers 403 "Feature not available on your plan" on the free plan', async () => {
      const free = await createAccount(stack.services, { plan: 'free' });
      const link = await createLink(free);
      const list = await listVariants(link.id, free);
      assert.equal(list.status, 403);
      assert.deepEqual(list.body, { success: false, error: 'Feature not available on your plan' });
      assert.equal((await addVariant(link.id, { name: 'x', destination_url: 'https://a.example' }, free)).status, 403);
    });

    it('needs links:read to list and links:write to change', async () => {
      const link = await createLink();
      const reader = await createAccount(stack.services, { plan: 'pro', scopes: ['links:read'] });
      await stack.services.db('links').where({ id: link.id }).update({ user_id: reader.user.id });
      assert.equal((await listVariants(link.id, reader)).status, 200);
      const write = await addVariant(link.id, { name: 'x', destination_url: 'https://a.example' }, reader);
      assert.equal(write.status, 403);
      assert.match(write.body.error, /links:write/);
    });

    it("answers 404 for another user's link and for a variant of another link", async () => {
      const mine = await createLink();
      const other = await createAccount(stack.services, { plan: 'enterprise' });
      const theirs = await createLink(other);
      const theirVariant = (await addVariant(theirs.id, { name: 'theirs', destination_url: 'https://theirs.example' }, other)).body.variant;

      const list = await listVariants(theirs.id);
      assert.equal(list.status, 404);
      assert.deepEqual(list.body, { success: false, error: 'Link not found' });
      assert.equal((await addVariant(theirs.id, { name: 'x', destination_url: 'https://a.example' })).status, 404);
      for (const method of ['PATCH', 'DELETE']) {
        const viaTheirLink = await request(stack.url(`/api/v1/links/${theirs.id}/variants/${theirVariant.id}`), { method, headers: account.auth, json: { variant: { weight: 1 } } });
        assert.equal(viaTheirLink.status, 404, method);
        const viaMyLink = await request(stack.url(`/api/v1/links/${mine.id}/variants/${theirVariant.id}`), { method, headers: account.auth, json: { variant: { weight: 1 } } });
        assert.equal(viaMyLink.status, 404, method);
        assert.equal(viaMyLink.body.error, 'Variant not found');
      }
      const untouched = await stack.services.db('link_variants').where({ id: theirVariant.id }).first();
      assert.equal(untouched.weight, 50);
      assert.equal((await request(stack.url('/api/v1/links/abc/variants'), { headers: account.auth })).status, 404);
    });
  });

  describe('the redirect', () => {
    it('sends visitors to variants by weight, records the variant on each click and counts per variant', async () => {
      const link = await createLink();
      const a = (await addVariant(link.id, { name: 'A', destination_url: 'https://landing-a.com/', weight: 70 })).body.variant;
      const b = (await addVariant(link.id, { name: 'B', destination_url: 'https://landing-b.com/', weight: 30 })).body.variant;

      // 400 fresh visitors (no cookie): A's count is Binomial(400, 0.7), sd ≈ 9.2; ±5 sd is 234–326.
      const n = 400;
      const locations = await Promise.all(Array.from({ length: n }, async () => (await follow(link.short_code)).headers.get('location')));
      const toA = locations.filter((l) => l === 'https://landing-a.com/').length;
      const toB = locations.filter((l) => l === 'https://landing-b.com/').length;
      assert.equal(toA + toB, n);
      assert.ok(toA >= 234 && toA <= 326, `A got ${toA} of ${n}`);

      const counted = async () => Number((await stack.services.db('link_variants').where({ link_id: link.id }).sum({ n: 'click_count' }))[0]?.n);
      await waitFor(async () => (await counted()) === n, { what: 'variant clicks counted', timeoutMs: 30_000 });
      const list = (await listVariants(link.id)).body.variants as Array<{ id: number; click_count: number; click_percentage: number }>;
      assert.equal(list.find((v) => v.id === a.id)?.click_count, toA);
      assert.equal(list.find((v) => v.id === b.id)?.click_count, toB);
      assert.equal(Math.round((list[0]!.click_percentage + list[1]!.click_percentage) * 10) / 10, 100);
      const stored = (await stack.services.db('clicks').select('variant_id').count({ n: '*' }).groupBy('variant_id')) as Array<{ variant_id: number; n: number }>;
      assert.deepEqual(Object.fromEntries(stored.map((r) => [r.variant_id, Number(r.n)])), { [a.id]: toA, [b.id]: toB });
    });

    it('never sends anyone to a variant of weight 0', async () => {
      const link = await createLink();
      await addVariant(link.id, { name: 'Zero', destination_url: 'https://zero.example/', weight: 0 });
      await addVariant(link.id, { name: 'Live', destination_url: 'https://live.example/', weight: 1 });
      const locations = await Promise.all(Array.from({ length: 50 }, async () => (await follow(link.short_code)).headers.get('location')));
      assert.deepEqual([...new Set(locations)], ['https://live.example/']);
    });

    it('keeps a returning visitor on the same variant through the cookie it set', async () => {
      const link = await createLink();
      await addVariant(link.id, { name: 'A', destination_url: 'https://landing-a.com/', weight: 50 });
      await addVariant(link.id, { name: 'B', destination_url: 'https://landing-b.com/', weight: 50 });
      const first = await follow(link.short_code);
      const cookie = first.headers.get('set-cookie') ?? '';
      assert.match(cookie, new RegExp(`^lt_v${link.id}=\\d+; Max-Age=2592000; Path=/${link.short_code}; HttpOnly; SameSite=Lax$`));
      const pair = cookie.split(';')[0] as string;
      for (let i = 0; i < 20; i++) {
        const again = await follow(link.short_code, { cookie: pair });
        assert.equal(again.headers.get('location'), first.headers.get('location'));
        assert.equal(again.headers.get('set-cookie'), null, 'a remembered choice is not rewritten');
      }
    });

    it("falls back to the link's destination when every variant is inactive", async () => {
      const link = await createLink();
      const v = (await addVariant(link.id, { name: 'A', destination_url: 'https://landing-a.com/' })).body.variant;
      assert.equal((await follow(link.short_code)).headers.get('location'), 'https://landing-a.com/');
      await request(stack.url(`/api/v1/links/${link.id}/variants/${v.id}`), { method: 'PATCH', headers: account.auth, json: { variant: { active: false } } });
      // The edge's link cache refreshes within a second of the change.
      await waitFor(async () => (await follow(link.short_code)).headers.get('location') === 'https://example.com/primary', { what: 'fallback to the primary destination' });
      const res = await follow(link.short_code, { cookie: `lt_v${link.id}=${v.id}` });
      assert.equal(res.headers.get('location'), 'https://example.com/primary', 'a cookie naming an inactive variant is ignored');
      await settle();
      const last = await stack.services.db('clicks').orderBy('clicked_at', 'desc').first('variant_id');
      assert.equal(last.variant_id, null);
    });

    it("stops splitting traffic when the owner's plan loses A/B testing, and keeps the variants", async () => {
      const link = await createLink();
      await addVariant(link.id, { name: 'A', destination_url: 'https://landing-a.com/' });
      await stack.services.db('users').where({ id: account.user.id }).update({ plan: 'free' });
      const res = await follow(link.short_code);
      assert.equal(res.headers.get('location'), 'https://example.com/primary');
      assert.equal(res.headers.get('set-cookie'), null);
      assert.equal((await stack.services.db('link_variants').count({ n: '*' }))[0]?.n, 1);
    });

    it("merges the link's UTM parameters into the variant destination", async () => {
      const link = await createLink();
      await stack.services.db('links').where({ id: link.id }).update({ utm_params: JSON.stringify({ utm_source: 'newsletter', utm_medium: 'email' }) });
      await addVariant(link.id, { name: 'A', destination_url: 'https://landing-a.com/p?utm_medium=own' });
      const location = new URL((await follow(link.short_code)).headers.get('location') ?? '');
      assert.equal(location.origin + location.pathname, 'https://landing-a.com/p');
      assert.equal(location.searchParams.get('utm_source'), 'newsletter');
      assert.equal(location.searchParams.get('utm_medium'), 'own');
    });

    it('does not count bot clicks for a variant', async () => {
      const link = await createLink();
      const v = (await addVariant(link.id, { name: 'A', destination_url: 'https://landing-a.com/' })).body.variant;
      await follow(link.short_code, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
      await follow(link.short_code);
      await waitFor(async () => (await stack.services.db('clicks').count({ n: '*' }))[0]?.n === 2, { what: 'both clicks stored' });
      const row = await stack.services.db('link_variants').where({ id: v.id }).first('click_count');
      assert.equal(row.click_count, 1);
    });
  });
});
