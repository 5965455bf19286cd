import assert from 'node:assert/strict';
import { request, visit } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor, waitForLockWaiter } from '../helpers/wait';
import { createAccount } from '../helpers/accounts';
import { verifyDomain } from '../../src/domain/domains/domains';

describe('Custom domains', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  beforeEach(() => {
    // The worker's GET of http://<domain>/.well-known/… goes to this stack's edge (DOMAIN_VERIFY_RESOLVE).
    const target = `127.0.0.1:${stack.web.port}`;
    stack.services.config.domainVerifyResolve = new Map([['go.example.com', target], ['links.example.org', target]]);
  });

  function addDomain(json: Record<string, unknown>, auth = account.auth) {
    return request(stack.url('/api/v1/domains'), { method: 'POST', headers: auth, json });
  }
  function createLink(link: Record<string, unknown>) {
    return request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/default', ...link } } });
  }
  async function activeDomain(hostname: string, extra: Record<string, unknown> = {}) {
    const added = await addDomain({ hostname, ...extra });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    return waitFor(async () => {
      const res = await request(stack.url(`/api/v1/domains/${added.body.domain.id}`), { headers: account.auth });
      return res.body.domain.status === 'active' ? res.body.domain : undefined;
    }, { what: `${hostname} verified` });
  }

  it('verifies a domain through the worker, then serves the same short code on two domains and the default one', async () => {
    const go = await activeDomain('GO.Example.com', { root_redirect_url: 'https://example.com/home', not_found_redirect_url: 'https://example.com/missing' });
    assert.equal(go.hostname, 'go.example.com');
    assert.equal(go.verification_attempts, 1);
    assert.ok(go.verified_at);
    assert.match(go.verification_url, /^http:\/\/go\.example\.com\/\.well-known\/linktally\/[A-Za-z0-9]{32}$/);
    await activeDomain('links.example.org');
    // Caddy's on-demand TLS asks before issuing a certificate.
    assert.equal((await request(stack.url('/api/v1/domains/tls-ask?domain=go.example.com'))).status, 200);
    assert.equal((await request(stack.url('/api/v1/domains/tls-ask?domain=evil.example.com'))).status, 404);
    assert.equal((await request(stack.url('/api/v1/domains/tls-ask?domain=not%20a%20host'))).status, 400);

    const onDefault = await createLink({ short_code: 'promo', destination_url: 'https://example.com/default' });
    const onGo = await createLink({ short_code: 'promo', destination_url: 'https://example.com/go', domain: 'go.example.com' });
    const onOrg = await createLink({ short_code: 'promo', destination_url: 'https://example.com/org', domain: 'links.example.org' });
    assert.equal(onDefault.status, 201);
    assert.equal(onGo.status, 201, JSON.stringify(onGo.body));
    assert.equal(onOrg.status, 201);
    assert.equal(onDefault.body.link.domain, null);
    assert.equal(onGo.body.link.domain, 'go.example.com');
    assert.equal(onGo.body.link.short_url, 'http://go.example.com/promo');
    assert.equal(onDefault.body.link.short_url, stack.url('/promo'));

    const taken = await createLink({ short_code: 'promo', domain: 'go.example.com' });
    assert.equal(taken.status, 422);
    assert.deepEqual(taken.body.errors, ['Short code has already been taken']);

    const port = stack.web.port;
    assert.equal((await visit(port, 'go.example.com', '/promo')).location, 'https://example.com/go');
    assert.equal((await visit(port, 'links.example.org:8080', '/promo')).location, 'https://example.com/org');
    assert.equal((await visit(port, `127.0.0.1:${port}`, '/promo')).location, 'https://example.com/default');
    // A host no domain claims (the platform's own name, an IP) serves the default domain.
    assert.equal((await visit(port, 'app.herokuapp.example', '/promo')).location, 'https://example.com/default');

    // Root and not-found redirects are the domain's own; the other domain has none (404).
    assert.equal((await visit(port, 'go.example.com', '/')).location, 'https://example.com/home');
    assert.equal((await visit(port, 'go.example.com', '/nothing-here')).location, 'https://example.com/missing');
    assert.equal((await visit(port, 'links.example.org', '/nothing-here')).status, 404);
    assert.equal((await visit(port, 'links.example.org', '/')).status, 404);

    // The listing shows each link's domain; the default domain's code is not reachable on a custom one.
    const listed = await request(stack.url('/api/v1/links?q=promo'), { headers: account.auth });
    assert.deepEqual(listed.body.links.map((l: { domain: string | null }) => l.domain).sort(), ['go.example.com', 'links.example.org', null].sort());
    await createLink({ short_code: 'only-default' });
    assert.equal((await visit(port, 'links.example.org', '/only-default')).status, 404);
  });

  it('changes a redirect and every web process sees it at once', async () => {
    const go = await activeDomain('go.example.com', { not_found_redirect_url: 'https://example.com/missing' });
    const port = stack.web.port;
    assert.equal((await visit(port, 'go.example.com', '/x1')).location, 'https://example.com/missing');
    const changed = await request(stack.url(`/api/v1/domains/${go.id}`), { method: 'PATCH', headers: account.auth, json: { not_found_redirect_url: 'https://example.com/elsewhere' } });
    assert.equal(changed.status, 200);
    await waitFor(async () => (await visit(port, 'go.example.com', '/x1')).location === 'https://example.com/elsewhere', { what: 'new not-found redirect' });
  });

  it('serves nothing on a domain that is not verified, and records why each attempt failed', async () => {
    // No resolve entry: the name does not resolve to this deployment.
    stack.services.config.domainVerifyResolve = new Map([['unverified.example.net', '127.0.0.1:1']]);
    const added = await request(stack.url('/api/v1/domains'), { method: 'POST', headers: account.auth, json: { hostname: 'unverified.example.net', root_redirect_url: 'https://example.com/home' } });
    assert.equal(added.status, 201);
    assert.equal(added.body.domain.status, 'pending');
    const link = await createLink({ short_code: 'early', domain: 'unverified.example.net' });
    assert.equal(link.status, 201);

    const port = stack.web.port;
    assert.equal((await visit(port, 'unverified.example.net', '/early')).status, 404);
    assert.equal((await visit(port, 'unverified.example.net', '/')).status, 404);
    assert.equal((await request(stack.url('/api/v1/domains/tls-ask?domain=unverified.example.net'))).status, 404);

    // The first failed attempt is visible and the domain stays pending (the queue retries with backoff).
    const checked = await waitFor(async () => {
      const res = await request(stack.url(`/api/v1/domains/${added.body.domain.id}`), { headers: account.auth });
      return res.body.domain.verification_attempts >= 1 ? res.body.domain : undefined;
    }, { what: 'first attempt recorded' });
    assert.equal(checked.status, 'pending');
    assert.match(checked.last_verification_error, /ECONNREFUSED/);

    // The last attempt leaves it failed.
    await assert.rejects(verifyDomain(stack.services, checked.id, { attemptsMade: 7, maxAttempts: 8 }), /not verified/);
    const failed = await request(stack.url(`/api/v1/domains/${checked.id}`), { headers: account.auth });
    assert.equal(failed.body.domain.status, 'failed');

    // A server that answers the path but is not this deployment does not verify it.
    const wrong = await visit(port, 'unverified.example.net', `/.well-known/linktally/${'a'.repeat(32)}`);
    assert.equal(wrong.status, 200);
    assert.equal(wrong.body.length, 64);
  });

  it('refuses bad input in the link envelope, and keeps domains to their owner and plan', async () => {
    for (const hostname of ['', 'localhost', 'exa mple.com', '10.0.0.1', 'http://go.example.com', 'a'.repeat(64) + '.com']) {
      const res = await addDomain({ hostname });
      assert.equal(res.status, 422, hostname);
      assert.equal(res.body.success, false);
      assert.ok(res.body.errors.length > 0);
    }
    assert.equal((await addDomain({ hostname: '127.0.0.1' })).status, 422);
    assert.equal((await addDomain({ hostname: 'go.example.com', root_redirect_url: 'javascript:alert(1)' })).status, 422);
    assert.equal((await addDomain({ hostname: 'go.example.com', extra: 1 })).status, 422);
    assert.equal((await addDomain({ hostname: 'go.example.com' })).status, 201);
    const again = await addDomain({ hostname: 'go.example.com' });
    assert.equal(again.status, 409);
    assert.equal(again.body.success, false);
    assert.equal(again.body.error, 'Hostname has already been taken');

    const other = await createAccount(stack.services, { plan: 'pro' });
    const foreign = await request(stack.url('/api/v1/links'), { method: 'POST', headers: other.auth, json: { link: { destination_url: 'https://example.com/', domain: 'go.example.com' } } });
    assert.equal(foreign.status, 422);
    assert.deepEqual(foreign.body.errors, ['Domain must be one of your domains']);
    const list = await request(stack.url('/api/v1/domains'), { headers: other.auth });
    assert.deepEqual(list.body, { success: true, domains: [] });
    assert.equal((await request(stack.url('/api/v1/domains/999999'), { headers: account.auth })).status, 404);
    assert.equal((await request(stack.url('/api/v1/domains/abc'), { headers: account.auth })).status, 404);

    const free = await createAccount(stack.services, { plan: 'free' });
    const gated = await request(stack.url('/api/v1/domains'), { method: 'POST', headers: free.auth, json: { hostname: 'free.example.com' } });
    assert.equal(gated.status, 403);
  });

  it('will not delete a domain that still holds links', async () => {
    const added = await addDomain({ hostname: 'go.example.com' });
    const id = added.body.domain.id;
    const link = await createLink({ short_code: 'kept', domain: 'go.example.com' });
    assert.equal((await request(stack.url(`/api/v1/domains/${id}`), { method: 'DELETE', headers: account.auth })).status, 409);
    const moved = await request(stack.url(`/api/v1/links/${link.body.link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { domain: null } } });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.link.domain, null);
    assert.equal((await request(stack.url(`/api/v1/domains/${id}`), { method: 'DELETE', headers: account.auth })).status, 200);
    assert.equal((await request(stack.url(`/api/v1/domains/${id}`), { headers: account.auth })).status, 404);
  });
});

describe('Custom domains under races and floods', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  it('answers 422, not 500, when the domain is deleted while a link is being created on it', async () => {
    const added = await request(stack.url('/api/v1/domains'), { method: 'POST', headers: account.auth, json: { hostname: 'race.example.com' } });
    const id = added.body.domain.id;
    // Hold the domain row: the link's insert passes the domain check, then waits on the foreign key's lock.
    const trx = await stack.services.db.transaction();
    try {
      await trx('domains').where({ id }).forUpdate().first('id');
      const creating = request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/', domain: 'race.example.com' } } });
      await waitForLockWaiter(stack.services.db);
      await trx('domains').where({ id }).delete();
      await trx.commit();
      const res = await creating;
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.success, false);
      assert.deepEqual(res.body.errors, ['Domain must be one of your domains']);
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
  });

  it('answers 409, not 500, when a link lands on the domain while the domain is being deleted', async () => {
    const added = await request(stack.url('/api/v1/domains'), { method: 'POST', headers: account.auth, json: { hostname: 'race2.example.com' } });
    const id = added.body.domain.id;
    // A link inserted but not yet committed: the delete's check does not see it, its foreign key then does.
    const trx = await stack.services.db.transaction();
    try {
      await trx('links').insert({ user_id: account.user.id, short_code: 'raced', destination_url: 'https://example.com/', domain_id: id });
      const deleting = request(stack.url(`/api/v1/domains/${id}`), { method: 'DELETE', headers: account.auth });
      await waitForLockWaiter(stack.services.db);
      await trx.commit();
      const res = await deleting;
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.equal(res.body.success, false);
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
    assert.equal((await request(stack.url(`/api/v1/domains/${id}`), { headers: account.auth })).status, 200);
  });

  it('limits tls-ask per address, with a 429 in the link envelope', async () => {
    let last = await request(stack.url('/api/v1/domains/tls-ask?domain=nobody.example.com'));
    assert.equal(last.status, 404);
    const limit = Number(last.headers.get('x-ratelimit-limit'));
    assert.ok(limit > 0);
    // Allowances are per clock minute: a run that crosses a minute's end may need up to twice the limit.
    for (let sent = 1; sent <= 2 * limit && last.status !== 429; sent++) last = await request(stack.url('/api/v1/domains/tls-ask?domain=nobody.example.com'));
    assert.equal(last.status, 429);
    assert.equal(last.body.success, false);
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
  });
});
