import assert from 'node:assert/strict';
import { installDays, recomputeInstallDays } from '../../src/db/install-rollup-store';
import { utcDay } from '../../src/lib/days';
import { CATCH_UP_SCHEDULER_ID, scheduleInstallRollupCatchUp } from '../../src/queues/repeating-jobs';
import { enqueueInstallRollups, installDaysOf } from '../../src/queues/rollups';
import { numberRollupRequests } from '../../src/queues/rollup-requests';
import { catchUpInstallRollups, rollupInstalls } from '../../src/workers/rollup-installs';
import { daysAgo, insertInstallEvents, insertPackage, install, type PackageFixture } from '../helpers/install-fixtures';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

describe('Daily install rollups', () => {
  const { stack, account } = useStackWithAccount({ workers: true });
  let pkg: PackageFixture;
  beforeEach(async () => {
    pkg = await insertPackage(stack.services, account.user.id);
  });

  const rows = () => installDays(stack.services.db, pkg.id);

  it('counts installs as sessions, with unique IPs and lowercase OS and country breakdowns', async () => {
    const day = daysAgo(2);
    await insertInstallEvents(stack.services, pkg.id, [
      ...install(day, { ip: '1.1.1.1', os: 'Windows', country: 'US' }),
      ...install(day, { ip: '1.1.1.1', os: 'Mac OS X', country: 'de' }),
      ...install(day, { ip: '2.2.2.2', os: 'linux', country: null }),
      ...install(day, { ip: '3.3.3.3', os: null, country: 'US' }),
    ]);
    await recomputeInstallDays(stack.services.db, [{ packageId: pkg.id, day: utcDay(day) }]);
    const [row] = await rows();
    assert.equal(row?.day, utcDay(day));
    assert.equal(row?.installs, 4, 'four sessions of two events each are four installs');
    assert.equal(row?.unique_ips, 3);
    assert.deepEqual(row?.by_os, { windows: 1, macos: 1, linux: 1, unknown: 1 });
    assert.deepEqual(row?.by_country, { US: 2, DE: 1 });
    assert.equal(row?.ip_hashes.length, 3, 'one digest per distinct address');
  });

  it('writes the same rows when the same days are recomputed twice', async () => {
    await insertInstallEvents(stack.services, pkg.id, [...install(daysAgo(1)), ...install(daysAgo(3), { ip: '9.9.9.9' })]);
    const pairs = [1, 3].map((n) => ({ packageId: pkg.id, day: utcDay(daysAgo(n)) }));
    await recomputeInstallDays(stack.services.db, pairs);
    const first = await rows();
    await recomputeInstallDays(stack.services.db, [...pairs, ...pairs]);
    assert.deepEqual(await rows(), first);
    assert.equal(first.length, 2);
  });

  it('runs overlapping recomputes at once without deadlock, ending with the latest figures', async () => {
    const other = await insertPackage(stack.services, account.user.id);
    await insertInstallEvents(stack.services, pkg.id, [...install(daysAgo(1)), ...install(daysAgo(2))]);
    await insertInstallEvents(stack.services, other.id, install(daysAgo(1)));
    const pairs = [pkg.id, other.id].flatMap((packageId) => [1, 2].map((n) => ({ packageId, day: utcDay(daysAgo(n)) })));
    await Promise.all(Array.from({ length: 8 }, (_, i) => recomputeInstallDays(stack.services.db, i % 2 ? pairs : [...pairs].reverse())));
    assert.deepEqual((await rows()).map((r) => r.installs), [1, 1]);
    assert.deepEqual((await installDays(stack.services.db, other.id)).map((r) => [r.day, r.installs]), [[utcDay(daysAgo(2)), 0], [utcDay(daysAgo(1)), 1]]);
  });

  it('picks up events stored after an earlier rollup of the same day', async () => {
    const day = daysAgo(1);
    await insertInstallEvents(stack.services, pkg.id, install(day));
    await rollupInstalls(stack.services, { packageId: pkg.id, day: utcDay(day) });
    await insertInstallEvents(stack.services, pkg.id, install(day, { ip: '5.5.5.5' }));
    await rollupInstalls(stack.services, { packageId: pkg.id, day: utcDay(day) });
    const [row] = await rows();
    assert.equal(row?.installs, 2);
    assert.equal(row?.unique_ips, 2);
  });

  it('skips a queued rollup that a recompute started after its request has already covered', async () => {
    const pair = { packageId: pkg.id, day: utcDay(daysAgo(1)) };
    await insertInstallEvents(stack.services, pkg.id, install(daysAgo(1)));
    const [first] = await numberRollupRequests(stack.services, [pair]);
    const [second] = await numberRollupRequests(stack.services, [pair]);
    assert.deepEqual([first, second], [1, 2]);
    // The later job runs first, covering both requests; the earlier one then has nothing to do.
    assert.ok((await rollupInstalls(stack.services, { ...pair, seq: 2 })) > 0);
    assert.equal(await rollupInstalls(stack.services, { ...pair, seq: 1 }), 0);
    // A request made after that recompute is not covered by it.
    await insertInstallEvents(stack.services, pkg.id, install(daysAgo(1), { ip: '7.7.7.7' }));
    const [third] = await numberRollupRequests(stack.services, [pair]);
    assert.ok((await rollupInstalls(stack.services, { ...pair, seq: third! })) > 0);
    const [row] = await rows();
    assert.equal(row?.installs, 2);
  });

  it('runs a job that later requests of its bucket folded into, though an earlier recompute covered its first request', async () => {
    const pair = { packageId: pkg.id, day: utcDay(daysAgo(1)) };
    await insertInstallEvents(stack.services, pkg.id, install(daysAgo(1)));
    const [first, second] = [...(await numberRollupRequests(stack.services, [pair])), ...(await numberRollupRequests(stack.services, [pair]))];
    assert.ok((await rollupInstalls(stack.services, { ...pair, seq: first! })) > 0, 'covers requests 1 and 2');
    // Request 3 folds into the job queued for request 2 (same bucket, same job id).
    await insertInstallEvents(stack.services, pkg.id, install(daysAgo(1), { ip: '7.7.7.7' }));
    await numberRollupRequests(stack.services, [pair]);
    assert.ok((await rollupInstalls(stack.services, { ...pair, seq: second! })) > 0, 'request 3 is not covered yet');
    assert.equal((await rows())[0]?.installs, 2);
  });

  it('counts an install whose ref discovery and pack straddle midnight once, on the day the pack was delivered', async () => {
    const before = daysAgo(2, 23);
    before.setUTCMinutes(59, 59);
    const session = 'sess_midnight';
    await insertInstallEvents(stack.services, pkg.id, [
      { at: before, session, type: 'clone_start' },
      { at: new Date(before.getTime() + 2000), session, type: 'fetch_objects' },
    ]);
    // Rolling up the first day also recomputes the next one.
    await rollupInstalls(stack.services, { packageId: pkg.id, day: utcDay(before) });
    const byDay = Object.fromEntries((await rows()).map((r) => [r.day, r.installs]));
    assert.deepEqual(byDay, { [utcDay(daysAgo(2))]: 0, [utcDay(daysAgo(1))]: 1 });
  });

  it('ignores a package that no longer exists', async () => {
    assert.equal(await recomputeInstallDays(stack.services.db, [{ packageId: 999_999, day: utcDay(new Date()) }]), 0);
  });

  it('lists each package and day of a batch of events once', () => {
    const at = daysAgo(1);
    const pairs = installDaysOf([
      { package_id: 1, occurred_at: at },
      { package_id: 1, occurred_at: new Date(at.getTime() + 60_000) },
      { package_id: 2, occurred_at: at },
    ]);
    assert.deepEqual(pairs, [{ packageId: 1, day: utcDay(at) }, { packageId: 2, day: utcDay(at) }]);
  });

  it('folds repeated requests for one package and day into one queued job that the worker runs', async () => {
    await insertInstallEvents(stack.services, pkg.id, install(daysAgo(1)));
    const pair = { packageId: pkg.id, day: utcDay(daysAgo(1)) };
    const now = Date.now();
    await enqueueInstallRollups(stack.services, [pair], now);
    await enqueueInstallRollups(stack.services, [pair, pair], now);
    const queue = stack.services.queues.queue('install-rollups');
    const counts = await queue.getJobCounts('delayed', 'waiting', 'active', 'completed');
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 1);
    await drainQueues(stack.services);
    const [row] = await rows();
    assert.equal(row?.installs, 1);
  });

  it('catches up every package with events in the last days, and schedules itself to repeat', async () => {
    const other = await insertPackage(stack.services, account.user.id);
    await insertInstallEvents(stack.services, pkg.id, [...install(daysAgo(0)), ...install(daysAgo(2))]);
    await insertInstallEvents(stack.services, other.id, [...install(daysAgo(1)), ...install(daysAgo(10))]);
    assert.equal(await catchUpInstallRollups(stack.services, { days: 3 }), 3, 'the event ten days ago is outside the window');

    await stack.services.db('package_install_days').delete();
    await scheduleInstallRollupCatchUp(stack.services, { everyMs: 60_000, days: 3 });
    await scheduleInstallRollupCatchUp(stack.services, { everyMs: 60_000, days: 3 });
    const queue = stack.services.queues.queue('install-rollups');
    try {
      const schedulers = await queue.getJobSchedulers();
      assert.equal(schedulers.length, 1);
      assert.equal(schedulers[0]?.key, CATCH_UP_SCHEDULER_ID);
      assert.equal(schedulers[0]?.every, 60_000);
      // The first run is immediate.
      await waitFor(async () => (await stack.services.db('package_install_days').count<{ count: number }[]>('* as count'))[0]?.count === 3, { what: 'catch-up rows' });
    } finally {
      await queue.removeJobScheduler(CATCH_UP_SCHEDULER_ID);
    }
  });
});
