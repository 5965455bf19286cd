import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { createAccount } from '../helpers/accounts';
import { drainQueues, waitFor, waitForLockWaiter } from '../helpers/wait';

const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GB_ADDRESS = '81.2.69.160';

describe('Targeting rules', () => {
  const { stack, account } = useStackWithAccount({ workers: true, env: { TRUST_PROXY: '1' } }, { plan: 'pro' });

  async function created(): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/usual', utm_params: { utm_source: 'qr' } } } });
    assert.equal(res.status, 201);
    return res.body.link;
  }
  function putRules(id: number, rules: unknown, auth = account.auth) {
    return request(stack.url(`/api/v1/links/${id}/rules`), { method: 'PUT', headers: auth, json: { rules } });
  }
  /** Each list of rules is answered 422 in the link envelope, with the message given. */
  async function assertRefused(id: number, bad: Array<[unknown, RegExp]>): Promise<void> {
    for (const [rules, message] of bad) {
      const res = await putRules(id, rules);
      assert.equal(res.status, 422, JSON.stringify(rules).slice(0, 120));
      assert.equal(res.body.success, false);
      assert.match(JSON.stringify(res.body), message);
    }
  }
  async function destinationFor(code: string, headers: Record<string, string>, query = '', method = 'GET'): Promise<string> {
    const res = await fetch(stack.url(`/${code}${query}`), { method, redirect: 'manual', headers: { 'user-agent': DESKTOP, ...headers } });
    assert.equal(res.status, 302);
    return res.headers.get('location') ?? '';
  }

  it('sends each visitor to the first rule that matches, else the usual destination, and records the rule on each click', async () => {
    const link = await created();
    const put = await putRules(link.id, [
      { name: 'old campaign', conditions: { ends_at: '2020-01-01T00:00:00Z' }, destination_url: 'https://example.com/never' },
      { name: 'iPhone', conditions: { device: ['mobile'], os: ['ios'] }, destination_url: 'https://example.com/ios' },
      { conditions: { language: ['de'] }, destination_url: 'https://example.com/de' },
      { conditions: { query: { name: 'src', value: 'tw' } }, destination_url: 'https://example.com/tw' },
      { conditions: { country: ['gb'] }, destination_url: 'https://example.com/uk' },
    ]);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const ids = put.body.rules.map((r: { id: number }) => r.id);
    assert.deepEqual(put.body.rules.map((r: { position: number }) => r.position), [0, 1, 2, 3, 4]);
    assert.deepEqual(put.body.rules[4].conditions, { country: ['GB'] });
    assert.deepEqual((await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth })).body.rules, put.body.rules);

    // HEAD looks without clicking, so the clicks below are exactly the GETs.
    await waitFor(async () => (await destinationFor(link.short_code, { 'user-agent': IPHONE }, '', 'HEAD')).startsWith('https://example.com/ios'), { what: 'rules served', timeoutMs: 3000 });
    assert.equal(await destinationFor(link.short_code, { 'user-agent': IPHONE }), 'https://example.com/ios?utm_source=qr');
    // Both the iPhone and the German rule match: the earlier one wins. UTM parameters are merged as for the link.
    assert.equal(await destinationFor(link.short_code, { 'user-agent': IPHONE, 'accept-language': 'de-CH,de;q=0.9' }), 'https://example.com/ios?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, { 'accept-language': 'fr;q=0.8, de-AT' }), 'https://example.com/de?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, {}, '?src=tw'), 'https://example.com/tw?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, { 'x-forwarded-for': GB_ADDRESS }), 'https://example.com/uk?utm_source=qr');
    assert.equal(await destinationFor(link.short_code, { 'accept-language': 'en-US' }, '?src=fb'), 'https://example.com/usual?utm_source=qr');

    await waitFor(async () => Number((await stack.services.db('clicks').count({ n: '*' }))[0]?.n) === 6, { what: 'clicks stored' });
    await drainQueues(stack.services);
    const shown = await request(stack.url(`/api/v1/links/${link.id}`), { headers: account.auth });
    assert.deepEqual(shown.body.link.analytics.rule_breakdown, [
      { rule_id: null, clicks: 1 },
      { rule_id: ids[1], clicks: 2 },
      { rule_id: ids[2], clicks: 1 },
      { rule_id: ids[3], clicks: 1 },
      { rule_id: ids[4], clicks: 1 },
    ].sort((a, b) => (a.rule_id ?? -1) - (b.rule_id ?? -1)));
  });

  it('goes back to the usual choice once the rules are replaced by an empty list', async () => {
    const link = await created();
    assert.equal((await putRules(link.id, [{ conditions: { device: ['desktop'] }, destination_url: 'https://example.com/desk' }])).status, 200);
    await waitFor(async () => (await destinationFor(link.short_code, {})).startsWith('https://example.com/desk'), { what: 'rule served', timeoutMs: 3000 });
    const cleared = await putRules(link.id, []);
    assert.deepEqual(cleared.body.rules, []);
    await waitFor(async () => (await destinationFor(link.short_code, {})).startsWith('https://example.com/usual'), { what: 'rule removed', timeoutMs: 3000 });
  });

  it('refuses bad rules with 422 and writes nothing, another user\'s link with 404, and the free plan with 403', async () => {
    const link = await created();
    assert.equal((await putRules(link.id, [{ conditions: { device: ['desktop'] }, destination_url: 'https://example.com/kept' }])).status, 200);
    const bad: Array<[unknown, RegExp]> = [
      [[{ conditions: {}, destination_url: 'https://example.com/' }], /at least one condition/],
      [[{ conditions: { device: ['phone'] }, destination_url: 'https://example.com/' }], /Device must list/],
      [[{ conditions: { country: ['GBR'] }, destination_url: 'https://example.com/' }], /two-letter/],
      [[{ conditions: { starts_at: '2030-01-01T00:00:00Z', ends_at: '2029-01-01T00:00:00Z' }, destination_url: 'https://example.com/' }], /Ends at must be after/],
      [[{ conditions: { device: ['mobile'] }, destination_url: 'javascript:alert(1)' }], /valid http or https URL/],
      [[{ conditions: { device: ['mobile'] }, destination_url: 'https://example.com/', extra: 1 }], /./],
      [Array.from({ length: 21 }, () => ({ conditions: { device: ['mobile'] }, destination_url: 'https://example.com/' })), /at most 20 rules/],
      ['nope', /Rules must be an array/],
    ];
    await assertRefused(link.id, bad);
    const kept = await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth });
    assert.deepEqual(kept.body.rules.map((r: { destination_url: string }) => r.destination_url), ['https://example.com/kept']);

    const other = await createAccount(stack.services, { plan: 'pro' });
    assert.equal((await putRules(link.id, [], other.auth)).status, 404);
    const free = await createAccount(stack.services, { plan: 'free' });
    assert.equal((await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: free.auth })).status, 403);
  });
  async function variant(linkId: number, name: string, weight: number, active = true): Promise<number> {
    const res = await request(stack.url(`/api/v1/links/${linkId}/variants`), { method: 'POST', headers: account.auth, json: { variant: { name, destination_url: `https://example.com/${name}`, weight, active } } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.variant.id;
  }

  it('sends a matching visitor to a weighted choice among the rule\'s variant set, and records the rule and the variant', async () => {
    const link = await created();
    const a = await variant(link.id, 'a', 50);
    const b = await variant(link.id, 'b', 50);
    const zero = await variant(link.id, 'zero', 0);
    const off = await variant(link.id, 'off', 50, false);
    const put = await putRules(link.id, [
      // Nothing in this set can be chosen (weight 0, inactive): the rule is passed over.
      { name: 'nothing left', conditions: { language: ['de'] }, variant_ids: [zero, off] },
      { name: 'German', conditions: { language: ['de'] }, variant_ids: [b] },
      { name: 'phones', conditions: { device: ['mobile'] }, variant_ids: [zero, a] },
    ]);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.rules.map((r: { destination_url: string | null; variant_ids: number[] }) => [r.destination_url, r.variant_ids]), [[null, [zero, off].sort((x, y) => x - y)], [null, [b]], [null, [zero, a].sort((x, y) => x - y)]]);
    assert.deepEqual((await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth })).body.rules, put.body.rules);
    const [, german, phones] = put.body.rules.map((r: { id: number }) => r.id);

    await waitFor(async () => (await destinationFor(link.short_code, { 'accept-language': 'de' }, '', 'HEAD')).startsWith('https://example.com/b'), { what: 'rules served', timeoutMs: 3000 });
    for (let i = 0; i < 3; i++) assert.equal(await destinationFor(link.short_code, { 'accept-language': 'de-AT' }), 'https://example.com/b?utm_source=qr');
    for (let i = 0; i < 3; i++) assert.equal(await destinationFor(link.short_code, { 'user-agent': IPHONE }), 'https://example.com/a?utm_source=qr');
    // No rule: the usual choice among all the link's variants.
    assert.match(await destinationFor(link.short_code, {}), /^https:\/\/example\.com\/(a|b)\?utm_source=qr$/);

    await waitFor(async () => Number((await stack.services.db('clicks').where({ link_id: link.id }).count({ n: '*' }))[0]?.n) === 7, { what: 'clicks stored' });
    const clicks = await stack.services.db('clicks').where({ link_id: link.id }).select('rule_id', 'variant_id');
    const seen = clicks.map((c) => [c.rule_id === null ? null : Number(c.rule_id), Number(c.variant_id)]).sort();
    assert.deepEqual(seen.filter(([rule]) => rule === german), Array(3).fill([german, b]));
    assert.deepEqual(seen.filter(([rule]) => rule === phones), Array(3).fill([phones, a]));
    assert.equal(seen.filter(([rule]) => rule === null).length, 1);
  });

  it('refuses a variant set naming another link\'s or an unknown variant, or a rule with both or neither target (422, nothing written)', async () => {
    const link = await created();
    const mine = await variant(link.id, 'mine', 10);
    const other = await created();
    const theirs = await variant(other.id, 'theirs', 10);
    assert.equal((await putRules(link.id, [{ conditions: { device: ['desktop'] }, variant_ids: [mine] }])).status, 200);
    const bad: Array<[unknown, RegExp]> = [
      [[{ conditions: { device: ['mobile'] }, variant_ids: [theirs] }], new RegExp(`variants of this link: rule 1 lists ${theirs}`)],
      [[{ conditions: { device: ['mobile'] }, destination_url: 'https://example.com/' }, { conditions: { device: ['tablet'] }, variant_ids: [mine, 999999] }], /rule 2 lists 999999/],
      [[{ conditions: { device: ['mobile'] }, variant_ids: [mine], destination_url: 'https://example.com/' }], /exactly one of destination_url and variant_ids/],
      [[{ conditions: { device: ['mobile'] } }], /exactly one of destination_url and variant_ids/],
      [[{ conditions: { device: ['mobile'] }, variant_ids: [] }], /Variant ids can't be empty/],
      [[{ conditions: { device: ['mobile'] }, variant_ids: [mine, mine] }], /each variant once/],
      [[{ conditions: { device: ['mobile'] }, variant_ids: ['1'] }], /Variant ids must list variant ids/],
      [[{ conditions: { device: ['mobile'] }, variant_ids: 'all' }], /Variant ids must be an array/],
    ];
    await assertRefused(link.id, bad);
    const kept = await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth });
    assert.deepEqual(kept.body.rules.map((r: { variant_ids: number[] }) => r.variant_ids), [[mine]]);
  });

  it('refuses to delete a variant that a rule\'s set names (409) until the rules let it go', async () => {
    const link = await created();
    const a = await variant(link.id, 'a', 10);
    const b = await variant(link.id, 'b', 10);
    assert.equal((await putRules(link.id, [{ conditions: { device: ['mobile'] }, variant_ids: [a, b] }])).status, 200);
    const refused = await request(stack.url(`/api/v1/links/${link.id}/variants/${b}`), { method: 'DELETE', headers: account.auth });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.success, false);
    assert.match(refused.body.error, /take it out of the rules first/);
    assert.equal((await putRules(link.id, [{ conditions: { device: ['mobile'] }, variant_ids: [a] }])).status, 200);
    assert.equal((await request(stack.url(`/api/v1/links/${link.id}/variants/${b}`), { method: 'DELETE', headers: account.auth })).status, 200);
    // The link's row can still go with its rules and variants in one statement (the set's key is checked at its end).
    await stack.services.db('links').where({ id: link.id }).delete();
    assert.equal(Number((await stack.services.db('link_rule_variants').count({ n: '*' }))[0]?.n), 0);
  });

  it('answers 422, not 500, when a variant is deleted while a rule naming it is being saved', async () => {
    const link = await created();
    const doomed = await variant(link.id, 'doomed', 10);
    const trx = await stack.services.db.transaction();
    try {
      // Hold the variant: the rules pass the check, then their set's foreign key waits on the lock.
      await trx('link_variants').where({ id: doomed }).forUpdate().first('id');
      const saving = putRules(link.id, [{ conditions: { device: ['mobile'] }, variant_ids: [doomed] }]);
      await waitForLockWaiter(stack.services.db);
      await trx('link_variants').where({ id: doomed }).delete();
      await trx.commit();
      const res = await saving;
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.deepEqual(res.body.errors, ['Variant ids must list variants of this link']);
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
    assert.deepEqual((await request(stack.url(`/api/v1/links/${link.id}/rules`), { headers: account.auth })).body.rules, []);
  });
});
