import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { sessionCookieOf, sessionFrom, signIn, signUp, uniqueEmail } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';

describe('Browser sessions: sign-up, sign-in, cookies and CSRF', () => {
  const { stack } = useStack({ env: { SIGNUP: 'open', TRUST_PROXY: '1' } });

  const linkBody = { link: { destination_url: 'https://example.com/' } };

  it('makes the first account of a fresh install the admin, and later ones ordinary users', async () => {
    const before = await request(stack.url('/api/v1/auth/options'));
    assert.deepEqual(before.body, { success: true, signup: 'open', needs_first_user: true });
    const first = await signUp(stack, { username: 'Founder' });
    assert.equal(first.user.is_admin, true);
    assert.equal(first.user.username, 'founder');
    assert.equal(first.user.plan, 'free');
    const second = await signUp(stack);
    assert.equal(second.user.is_admin, false);
    const after = await request(stack.url('/api/v1/auth/options'));
    assert.equal(after.body.needs_first_user, false);
  });

  it('makes exactly one admin when several first sign-ups race on a fresh install', async () => {
    const all = await Promise.all([1, 2, 3, 4].map(() => signUp(stack)));
    assert.equal(all.filter((b) => b.user.is_admin).length, 1);
  });

  it('sets an HttpOnly, SameSite=Lax cookie for the whole site, not Secure over plain HTTP, Secure behind an HTTPS proxy', async () => {
    const plain = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', json: { email: uniqueEmail(), password: 'long enough password' } });
    const [line] = plain.headers.getSetCookie();
    assert.match(line ?? '', /^lt_session=lts_[A-Za-z0-9]{32}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const https = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', headers: { 'x-forwarded-proto': 'https' }, json: { email: uniqueEmail(), password: 'long enough password' } });
    assert.match(https.headers.getSetCookie()[0] ?? '', /; Secure/);
  });

  it('stores only a hash of the session cookie and answers the session endpoint with the user and CSRF token', async () => {
    const browser = await signUp(stack);
    const rows = await stack.services.db('sessions').select('token_hash');
    const value = browser.cookie.cookie.split('=')[1] as string;
    assert.ok(rows.length > 0 && rows.every((r) => r.token_hash !== value && !String(r.token_hash).includes(value.slice(4))));
    const res = await request(stack.url('/api/v1/auth/session'), { headers: browser.cookie });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.email, browser.user.email);
    assert.equal(res.body.csrf_token, browser.csrf);
    const none = await request(stack.url('/api/v1/auth/session'));
    assert.equal(none.status, 401);
    assert.equal(none.body.success, false);
  });

  it('lets the cookie call /api/v1 routes, but refuses unsafe methods without the CSRF token', async () => {
    const browser = await signUp(stack);
    const list = await request(stack.url('/api/v1/links'), { headers: browser.cookie });
    assert.equal(list.status, 200);
    const missing = await request(stack.url('/api/v1/links'), { method: 'POST', headers: browser.cookie, json: linkBody });
    assert.equal(missing.status, 403);
    assert.match(missing.body.error, /CSRF/);
    const wrong = await request(stack.url('/api/v1/links'), { method: 'POST', headers: { ...browser.cookie, 'x-csrf-token': 'a'.repeat(64) }, json: linkBody });
    assert.equal(wrong.status, 403);
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: browser.unsafe, json: linkBody });
    assert.equal(created.status, 201);
    assert.equal(Number(created.headers.get('x-ratelimit-remaining')), 998, 'session requests count against the daily limit like token requests');
    assert.equal(await stack.services.db('links').where({ user_id: browser.user.id }).count('* as n').first().then((r) => Number(r?.n)), 1);
    const path = `/api/v1/links/${created.body.link.id}`;
    for (const method of ['PATCH', 'DELETE']) {
      const res = await request(stack.url(path), { method, headers: browser.cookie, json: linkBody });
      assert.equal(res.status, 403, method);
    }
    const patched = await request(stack.url(path), { method: 'PATCH', headers: browser.unsafe, json: { link: { title: 'With the token' } } });
    assert.equal(patched.status, 200);
  });

  it('keeps tenancy for sessions: another user\'s link is 404', async () => {
    const owner = await signUp(stack);
    const other = await signUp(stack);
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: owner.unsafe, json: linkBody });
    const res = await request(stack.url(`/api/v1/links/${created.body.link.id}`), { headers: other.cookie });
    assert.equal(res.status, 404);
  });

  it('keeps plan gates for sessions: a free account cannot create variants', async () => {
    const browser = await signUp(stack);
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: browser.unsafe, json: linkBody });
    const res = await request(stack.url(`/api/v1/links/${created.body.link.id}/variants`), {
      method: 'POST', headers: browser.unsafe, json: { variant: { name: 'B', destination_url: 'https://example.org/', weight: 50 } },
    });
    assert.equal(res.status, 403);
    assert.match(res.body.error, /plan/);
  });

  it('signs in with the right password and refuses a wrong one or an unknown email with the same 401', async () => {
    const browser = await signUp(stack);
    const wrong = await signIn(stack, browser.user.email, 'not the password at all');
    assert.equal(wrong.status, 401);
    const unknown = await signIn(stack, uniqueEmail(), 'not the password at all');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, wrong.body.error);
    assert.equal(sessionCookieOf(wrong), undefined);
    const right = await signIn(stack, browser.user.email.toUpperCase(), browser.password);
    assert.equal(right.status, 200);
    const session = sessionFrom(right, browser.password);
    assert.notEqual(session.cookie.cookie, browser.cookie.cookie, 'each sign-in is a new session');
    assert.equal((await request(stack.url('/api/v1/auth/session'), { headers: session.cookie })).status, 200);
  });

  it('refuses bad sign-up input with 422 and a taken email or username with 409, never a 500', async () => {
    const browser = await signUp(stack, { username: 'taken-name' });
    const cases: Array<[unknown, number]> = [
      [{ email: 'not-an-email', password: 'long enough password' }, 422],
      [{ email: uniqueEmail(), password: 'short' }, 422],
      [{ email: uniqueEmail(), password: 'x'.repeat(257) }, 422],
      [{ email: uniqueEmail(), password: 'long enough password', username: 'Bad Name!' }, 422],
      [{ email: uniqueEmail(), password: 'long enough password', extra: 1 }, 422],
      [{ email: uniqueEmail(), password: 12345678901 }, 422],
      [{ email: browser.user.email, password: 'long enough password' }, 409],
      [{ email: uniqueEmail(), password: 'long enough password', username: 'taken-name' }, 409],
    ];
    for (const [json, status] of cases) {
      const res = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', json });
      assert.equal(res.status, status, JSON.stringify(json));
      assert.equal(res.body.success, false);
    }
  });

  it('signs out: the cookie is cleared, the session row is gone and the old cookie no longer works', async () => {
    const browser = await signUp(stack);
    const refused = await request(stack.url('/api/v1/auth/signout'), { method: 'POST', headers: browser.cookie });
    assert.equal(refused.status, 403, 'a live session signs out only with its CSRF token');
    const res = await request(stack.url('/api/v1/auth/signout'), { method: 'POST', headers: browser.unsafe });
    assert.equal(res.status, 200);
    assert.match(res.headers.getSetCookie()[0] ?? '', /^lt_session=; Max-Age=0; Path=\//);
    assert.equal(await stack.services.db('sessions').where({ user_id: browser.user.id }).count('* as n').first().then((r) => Number(r?.n)), 0);
    const after = await request(stack.url('/api/v1/links'), { headers: browser.cookie });
    assert.equal(after.status, 401);
    const again = await request(stack.url('/api/v1/auth/signout'), { method: 'POST', headers: browser.cookie });
    assert.equal(again.status, 200, 'signing out of an ended session is not an error');
  });

  it('ends a session after the idle lifetime without requests, and after the absolute lifetime whatever happens', async () => {
    const idle = await signUp(stack);
    const busy = await signUp(stack);
    // 6 days quiet is within the 7-day idle lifetime; a request then moves last_seen_at on.
    await stack.services.db('sessions').where({ user_id: busy.user.id }).update({ last_seen_at: stack.services.db.raw("now() - interval '6 days'") });
    assert.equal((await request(stack.url('/api/v1/auth/session'), { headers: busy.cookie })).status, 200);
    const seen = await stack.services.db('sessions').where({ user_id: busy.user.id }).first('last_seen_at');
    assert.ok(Date.now() - seen.last_seen_at.getTime() < 60_000, 'a request refreshes last_seen_at');

    await stack.services.db('sessions').where({ user_id: idle.user.id }).update({ last_seen_at: stack.services.db.raw("now() - interval '7 days 1 minute'") });
    assert.equal((await request(stack.url('/api/v1/auth/session'), { headers: idle.cookie })).status, 401);

    await stack.services.db('sessions').where({ user_id: busy.user.id }).update({ expires_at: stack.services.db.raw("now() - interval '1 second'") });
    assert.equal((await request(stack.url('/api/v1/links'), { headers: busy.cookie })).status, 401);
  });

  it('sets the absolute lifetime to 30 days from sign-in by default', async () => {
    const browser = await signUp(stack);
    const row = await stack.services.db('sessions').where({ user_id: browser.user.id }).first('created_at', 'expires_at');
    assert.equal(Math.round((row.expires_at.getTime() - row.created_at.getTime()) / 86_400_000), 30);
  });

  it('changes the password: the old one stops working and every other session of the user ends', async () => {
    const browser = await signUp(stack);
    const other = sessionFrom(await signIn(stack, browser.user.email, browser.password), browser.password);
    const wrong = await request(stack.url('/api/v1/auth/password'), { method: 'POST', headers: browser.unsafe, json: { current_password: 'not the password', new_password: 'a brand new password' } });
    assert.equal(wrong.status, 403);
    const noCsrf = await request(stack.url('/api/v1/auth/password'), { method: 'POST', headers: browser.cookie, json: { current_password: browser.password, new_password: 'a brand new password' } });
    assert.equal(noCsrf.status, 403);
    const res = await request(stack.url('/api/v1/auth/password'), { method: 'POST', headers: browser.unsafe, json: { current_password: browser.password, new_password: 'a brand new password' } });
    assert.equal(res.status, 200);
    assert.equal((await request(stack.url('/api/v1/auth/session'), { headers: browser.cookie })).status, 200, 'the session that changed it stays');
    assert.equal((await request(stack.url('/api/v1/auth/session'), { headers: other.cookie })).status, 401, 'other sessions end');
    assert.equal((await signIn(stack, browser.user.email, browser.password)).status, 401);
    assert.equal((await signIn(stack, browser.user.email, 'a brand new password')).status, 200);
  });

  it('prefers the bearer token when both a token and a cookie are sent', async () => {
    const browser = await signUp(stack);
    const res = await request(stack.url('/api/v1/links'), { headers: { ...browser.cookie, authorization: 'Bearer nonsense' } });
    assert.equal(res.status, 401);
  });
});
