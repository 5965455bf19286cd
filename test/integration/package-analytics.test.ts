import assert from 'node:assert/strict';
import { utcDay } from '../../src/lib/days';
import { enqueueInstallRollups } from '../../src/queues/rollups';
import { catchUpInstallRollups } from '../../src/workers/rollup-installs';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { daysAgo, insertInstallEvents, insertPackage, install, type PackageFixture } from '../helpers/install-fixtures';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues } from '../helpers/wait';

describe('Package install analytics and the summary', () => {
  const { stack, account } = useStackWithAccount({ workers: true });
  let pkg: PackageFixture;
  beforeEach(async () => {
    pkg = await insertPackage(stack.services, account.user.id, { slug: 'my-package', display_name: 'My Package' });
  });

  const analytics = (query = '', slug = pkg.slug, auth = account.auth) => request(stack.url(`/api/v1/packages/${slug}/analytics${query}`), { headers: auth });
  const rollUp = (days = 400) => catchUpInstallRollups(stack.services, { days });

  describe('GET /api/v1/packages/:slug/analytics', () => {
    it('answers the documented fields, with a day-by-day series that includes days without installs', async () => {
      await insertInstallEvents(stack.services, pkg.id, [
        ...install(daysAgo(0), { ip: '1.1.1.1', os: 'windows', country: 'US' }),
        ...install(daysAgo(0), { ip: '2.2.2.2', os: 'macos', country: 'DE' }),
        ...install(daysAgo(2), { ip: '1.1.1.1', os: 'windows', country: 'US' }),
        ...install(daysAgo(6), { ip: '3.3.3.3', os: 'linux', country: 'GB' }),
      ]);
      await rollUp();
      const res = await analytics('?days=7');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body), ['package', 'period', 'totals', 'daily', 'by_os', 'by_country', 'by_source']);
      assert.deepEqual(res.body.package, { slug: 'my-package', display_name: 'My Package' });
      assert.deepEqual(res.body.period, { days: 7, start: `${utcDay(daysAgo(7))}T00:00:00Z`, end: `${utcDay(daysAgo(0))}T23:59:59Z` });
      assert.deepEqual(res.body.totals, { installs: 4, unique_ips: 3 }, 'an address seen on two days is one unique IP');
      assert.deepEqual(
        res.body.daily,
        [7, 6, 5, 4, 3, 2, 1, 0].map((n) => ({ date: utcDay(daysAgo(n)), installs: { 0: 2, 2: 1, 6: 1 }[n] ?? 0 })),
      );
      assert.deepEqual(res.body.by_os, { windows: 2, linux: 1, macos: 1 });
      assert.deepEqual(Object.keys(res.body.by_os), ['windows', 'linux', 'macos'], 'most common first');
      assert.deepEqual(res.body.by_country, { US: 2, DE: 1, GB: 1 });
    });

    it('covers the last 30 days by default and leaves out installs before the period', async () => {
      await insertInstallEvents(stack.services, pkg.id, [...install(daysAgo(30)), ...install(daysAgo(31)), ...install(daysAgo(200))]);
      await rollUp();
      const res = await analytics();
      assert.equal(res.status, 200);
      assert.equal(res.body.period.days, 30);
      assert.equal(res.body.daily.length, 31);
      assert.equal(res.body.daily[0].date, utcDay(daysAgo(30)));
      assert.equal(res.body.totals.installs, 1);
      const year = await analytics('?days=365');
      assert.equal(year.body.totals.installs, 3);
      assert.equal(year.body.daily.length, 366);
    });

    it('answers zeros and empty breakdowns for a package without installs', async () => {
      const res = await analytics('?days=1');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.totals, { installs: 0, unique_ips: 0 });
      assert.deepEqual(res.body.daily, [{ date: utcDay(daysAgo(1)), installs: 0 }, { date: utcDay(daysAgo(0)), installs: 0 }]);
      assert.deepEqual(res.body.by_os, {});
      assert.deepEqual(res.body.by_country, {});
    });

    it('reads the rollups, so installs show once the rollup job has run', async () => {
      await insertInstallEvents(stack.services, pkg.id, install(daysAgo(1)));
      assert.equal((await analytics()).body.totals.installs, 0, 'raw events are not scanned');
      await enqueueInstallRollups(stack.services, [{ packageId: pkg.id, day: utcDay(daysAgo(1)) }]);
      await drainQueues(stack.services);
      assert.equal((await analytics()).body.totals.installs, 1);
    });

    for (const bad of ['0', '366', '-1', 'abc', '1.5', '', '30abc', '99999']) {
      it(`answers 400 bad_request for days=${bad || '(empty)'}`, async () => {
        const res = await analytics(`?days=${bad}`);
        assert.equal(res.status, 400);
        assert.equal(res.body.error.code, 'bad_request');
        assert.match(res.body.error.message, /Days must be a whole number from 1 to 365/);
      });
    }

    it('answers 400 bad_request for days given twice', async () => {
      const res = await analytics('?days=1&days=2');
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'bad_request');
    });

    it("answers 404 not_found for an unknown package and for another user's package", async () => {
      const other = await createAccount(stack.services);
      const theirs = await insertPackage(stack.services, other.user.id);
      for (const slug of ['no-such-package', theirs.slug]) {
        const res = await analytics('', slug);
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, { error: { code: 'not_found', message: 'Package not found' } });
      }
    });

    it('answers 404 for a slug no package can have, and 400 for a path that is not valid percent-encoding', async () => {
      for (const slug of ['%00', 'a%0Ab', 'a'.repeat(201)]) {
        const res = await analytics('', slug);
        assert.equal(res.status, 404, slug);
        assert.equal(res.body.error.code, 'not_found');
      }
      const res = await analytics('', '%E0%A4%A');
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'bad_request');
    });

    it('answers 403 forbidden to a token without analytics:read, and 401 without a token', async () => {
      const limited = await createAccount(stack.services, { scopes: ['packages:read'] });
      const mine = await insertPackage(stack.services, limited.user.id);
      const forbidden = await analytics('', mine.slug, limited.auth);
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.error.code, 'forbidden');
      const anonymous = await request(stack.url(`/api/v1/packages/${pkg.slug}/analytics`));
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'unauthorized');
    });
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const res = await request(stack.url('/api/v1/openapi.json'));
    const analyticsOp = res.body.paths['/api/v1/packages/{slug}/analytics'].get;
    assert.equal(analyticsOp['x-required-scope'], 'analytics:read');
    assert.ok(analyticsOp.parameters.some((p: { name: string; in: string }) => p.name === 'days' && p.in === 'query'));
    assert.ok(res.body.paths['/api/v1/analytics/summary'].get.responses['200']);
  });

  describe('GET /api/v1/analytics/summary', () => {
    const summary = (auth = account.auth) => request(stack.url('/api/v1/analytics/summary'), { headers: auth });

    it("totals the user's packages and lists the ten most installed", async () => {
      for (let i = 1; i <= 11; i++) {
        await insertPackage(stack.services, account.user.id, { slug: `pkg-${String(i).padStart(2, '0')}`, total_installs: i * 100, unique_ips: i * 10 });
      }
      const other = await createAccount(stack.services);
      await insertPackage(stack.services, other.user.id, { total_installs: 1_000_000, unique_ips: 5 });
      const res = await summary();
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body), ['total_packages', 'total_installs', 'total_unique_ips', 'top_packages']);
      assert.equal(res.body.total_packages, 12, 'eleven plus my-package');
      assert.equal(res.body.total_installs, 6600);
      assert.equal(res.body.total_unique_ips, 660);
      assert.equal(res.body.top_packages.length, 10);
      assert.deepEqual(res.body.top_packages[0], { slug: 'pkg-11', installs: 1100 });
      assert.deepEqual(res.body.top_packages[9], { slug: 'pkg-02', installs: 200 });
    });

    it('answers zeros for an account without packages', async () => {
      const empty = await createAccount(stack.services);
      const res = await summary(empty.auth);
      assert.deepEqual(res.body, { total_packages: 0, total_installs: 0, total_unique_ips: 0, top_packages: [] });
    });

    it('answers 403 forbidden in the pkglnk envelope without analytics:read', async () => {
      const limited = await createAccount(stack.services, { scopes: ['links:read'] });
      const res = await summary(limited.auth);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'forbidden');
    });
  });
});
