import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_ATTEMPT_LIMITS } from '../../src/proxy/password-attempts';
import { request } from '../helpers/http';
import { deleteKeys } from '../helpers/root-hooks';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';
import { launchChromium } from '../e2e/browser';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const FORM = 'application/x-www-form-urlencoded';

describe('Password-protected links', () => {
  // One trusted proxy hop, so tests can speak for many visitors through X-Forwarded-For.
  const { stack, account } = useStackWithAccount({ workers: true, env: { TRUST_PROXY: '1' }, web: { passwordAttempts: { ...DEFAULT_ATTEMPT_LIMITS, perAddress: 3, windowSeconds: 60 } } });

  async function protectedLink(password = 'open sesame', link: Record<string, unknown> = {}): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/secret', ...link }, password } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }
  function visit(code: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER, ...headers } });
  }
  function submit(code: string, password: string | null, headers: Record<string, string> = {}): Promise<Response> {
    const body = password === null ? '' : new URLSearchParams({ password }).toString();
    return fetch(stack.url(`/${code}`), { method: 'POST', redirect: 'manual', headers: { 'user-agent': BROWSER, 'content-type': FORM, ...headers }, body });
  }
  function cookieOf(res: Response): string {
    return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  }
  async function clicks(): Promise<number> {
    return Number((await stack.services.db('clicks').count({ n: '*' }))[0]?.n);
  }

  it('shows a small form that posts back to the same URL, and never redirects without the password', async () => {
    const link = await protectedLink();
    const res = await visit(link.short_code);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('location'), null);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const html = await res.text();
    assert.match(html, /<form method="post">/);
    assert.match(html, /name="password" type="password"/);
    assert.doesNotMatch(html, /example\.com\/secret/, 'the destination is not revealed');
    const withQuery = await visit(`${link.short_code}?password=${encodeURIComponent('open sesame')}`);
    assert.equal(withQuery.status, 200, 'a password in the query string is ignored');
  });

  it('redirects on the right password, records the click and sets a cookie scoped to that code', async () => {
    const link = await protectedLink();
    const res = await submit(link.short_code, 'open sesame');
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/secret');
    assert.equal(res.headers.get('cache-control'), 'private, max-age=0');
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^lt_pw=\d+\.[\w-]+; /);
    assert.match(setCookie, new RegExp(`Path=/${link.short_code};`));
    assert.match(setCookie, /Max-Age=1800; HttpOnly; SameSite=Lax$/);
    assert.ok(!setCookie.includes('sesame'));
    await waitFor(async () => (await clicks()) === 1, { what: 'click recorded' });

    const again = await visit(link.short_code, { cookie: cookieOf(res) });
    assert.equal(again.status, 302, 'the cookie lets the visitor straight through');
    await waitFor(async () => (await clicks()) === 2, { what: 'second click recorded' });
  });

  it('keeps the referrer of the page that led to the form on the recorded click', async () => {
    const link = await protectedLink();
    const form = await visit(link.short_code, { referer: 'https://news.example.org/story?id=1' });
    const html = await form.text();
    const ref = /name="ref" value="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    assert.equal(ref, 'https://news.example.org/story?id=1');
    const body = new URLSearchParams({ password: 'open sesame', ref }).toString();
    const res = await fetch(stack.url(`/${link.short_code}`), { method: 'POST', redirect: 'manual', headers: { 'user-agent': BROWSER, 'content-type': FORM }, body });
    assert.equal(res.status, 302);
    await waitFor(async () => (await clicks()) === 1, { what: 'click recorded' });
    const [click] = await stack.services.db('clicks').select('referrer_domain');
    assert.equal(click.referrer_domain, 'news.example.org');
  });

  it('takes a real browser through the form to a destination on another origin (form-action allows the redirect)', async function () {
    this.timeout(30_000);
    // The destination: another origin (another port), as every real destination is.
    const destination = createServer((_req, res) => res.end('<!doctype html><title>Secret</title><h1>The secret page</h1>'));
    await new Promise<void>((resolve) => destination.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium();
    try {
      const link = await protectedLink('open sesame', { destination_url: `http://127.0.0.1:${(destination.address() as AddressInfo).port}/secret` });
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on('console', (message) => { if (message.type() === 'error') blocked.push(message.text()); });
      await page.goto(stack.url(`/${link.short_code}`));
      await page.fill('input[name=password]', 'open sesame');
      await Promise.all([page.waitForURL(/\/secret$/), page.click('button[type=submit]')]);
      assert.equal(await page.textContent('h1'), 'The secret page');
      assert.deepEqual(blocked, []);
    } finally {
      await browser.close();
      await new Promise((resolve) => destination.close(resolve));
    }
  });

  it('re-shows the form with 401 on a wrong password, and 400 on an empty one', async () => {
    const link = await protectedLink();
    const wrong = await submit(link.short_code, 'guess');
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /Incorrect password/);
    const empty = await submit(link.short_code, null);
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /Please enter the password/);
    assert.equal(stack.web.clicks.pending + (await clicks()), 0);
  });

  it('refuses a form that is not urlencoded (415) or too large (413)', async () => {
    const link = await protectedLink();
    const json = await fetch(stack.url(`/${link.short_code}`), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'open sesame' }) });
    assert.equal(json.status, 415);
    const huge = await fetch(stack.url(`/${link.short_code}`), { method: 'POST', redirect: 'manual', headers: { 'content-type': FORM }, body: `password=${'x'.repeat(10_000)}` });
    assert.equal(huge.status, 413);
  });

  it('does not accept a cookie issued for another link, or one issued before the password changed', async () => {
    const first = await protectedLink('password one');
    const second = await protectedLink('password two');
    const cookie = cookieOf(await submit(first.short_code, 'password one'));
    assert.equal((await visit(second.short_code, { cookie })).status, 200, 'other link: form');
    assert.equal((await visit(first.short_code, { cookie: 'lt_pw=9999999999.forged' })).status, 200, 'forged: form');
    await request(stack.url(`/api/v1/links/${first.id}`), { method: 'PATCH', headers: account.auth, json: { link: {}, password: 'changed password' } });
    await waitFor(async () => (await visit(first.short_code, { cookie })).status === 200, { timeoutMs: 1500, what: 'old cookie refused' });
  });

  it('answers 429 once an address has used its attempts, even with the right password, before any hashing', async () => {
    const link = await protectedLink();
    const from = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 3; i++) assert.equal((await submit(link.short_code, `wrong-${i}`, from)).status, 401);
    const limited = await submit(link.short_code, 'open sesame', from);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.match(await limited.text(), /Too many attempts/);
    assert.equal((await submit(link.short_code, 'open sesame', { 'x-forwarded-for': '203.0.113.8' })).status, 302, 'another address still may');
  });

  it('keeps no raw address in the attempt counters', async () => {
    const link = await protectedLink();
    await submit(link.short_code, 'wrong', { 'x-forwarded-for': '192.0.2.55' });
    const keys = await stack.services.redis.keys(`${stack.services.config.redisPrefix}:pwtry:*`);
    assert.equal(keys.length, 3, 'the address block, the block on this link, the link\'s wrong passwords');
    assert.ok(keys.every((k) => !k.includes('192.0.2.55')), keys.join(' '));
    await deleteKeys(stack.services.redis, `${stack.services.config.redisPrefix}:pwtry:*`);
  });

  it('sends a POST on a link without a password back to GET it (303), and 404s a POST on an unknown code', async () => {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com', short_code: 'open' } } });
    assert.equal(res.status, 201);
    const post = await submit('open', 'anything');
    assert.equal(post.status, 303);
    assert.equal(post.headers.get('location'), 'open');
    assert.equal((await submit('nothing-here', 'x')).status, 404);
  });

  it('lets a visitor through without a form once the password is removed', async () => {
    const link = await protectedLink();
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: {}, password: null } });
    await waitFor(async () => (await visit(link.short_code)).status === 302, { timeoutMs: 1500, what: 'unprotected' });
  });

  it('checks expiry and schedule before asking for the password', async () => {
    const expired = await protectedLink('password', { expires: true });
    assert.equal((await visit(expired.short_code)).status, 410);
    assert.equal((await submit(expired.short_code, 'password')).status, 410);
    const inactive = await protectedLink('password', { active: false });
    assert.equal((await submit(inactive.short_code, 'password')).status, 404);
  });
});
