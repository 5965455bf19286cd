import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createLink } from '../../src/domain/links';
import { REFERRER_MAX_LENGTH, USER_AGENT_MAX_LENGTH } from '../../src/lib/visitor-bounds';
import { createAccount } from '../helpers/accounts';
import { insertPackage } from '../helpers/install-fixtures';
import { freePort } from '../helpers/ports';
import { startStack, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const CLICK_BUDGET = 64 * 1024;
const INSTALL_BUDGET = 32 * 1024;
// Within Node's 16 KB header limit together, and each far above its edge bound.
const HUGE_UA = `Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0 ${'u'.repeat(6000)}`;
const HUGE_REFERRER = `https://news.example.org/${'p'.repeat(6000)}`;

/** A private Redis on `port` (never the shared one: this test takes it down). */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${out}`)));
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('Edge buffers during a Redis outage, with huge headers', () => {
  let port: number;
  let redis: ChildProcess;
  let stack: Stack;

  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    stack = await startStack({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, TRUST_PROXY: '1' },
      web: {
        clickBuffer: { maxBatch: 50, flushMs: 20, capacity: 100_000, maxBytes: CLICK_BUDGET, retryMs: 100, sendTimeoutMs: 500 },
        installBuffer: { maxBatch: 50, flushMs: 20, capacity: 100_000, maxBytes: INSTALL_BUDGET, retryMs: 100, sendTimeoutMs: 500 },
        installTracking: { limitPerHour: 1000, sessionWindowSeconds: 600, redisTimeoutMs: 50 },
      },
    });
  });
  after(async () => {
    await stack?.stop();
    if (redis) await stopRedis(redis);
  });

  it('holds at most the byte budget of clicks and installs, truncating user agent and referrer, and drains once Redis is back', async function () {
    this.timeout(30_000);
    const account = await createAccount(stack.services);
    await createLink(stack.services.db, { user_id: account.user.id, destination_url: 'https://example.com/budget', short_code: 'byte-budget' });
    const pkg = await insertPackage(stack.services, account.user.id);
    await stopRedis(redis);
    await waitFor(() => stack.services.redis.status !== 'ready', { what: 'redis gone' });

    const clicks = 80;
    for (let i = 0; i < clicks; i++) {
      const res = await fetch(stack.url('/byte-budget'), { redirect: 'manual', headers: { 'user-agent': HUGE_UA, referer: HUGE_REFERRER, 'x-forwarded-for': `81.2.69.${i}` } });
      assert.equal(res.status, 302, 'redirects go on during the outage');
    }
    const held = stack.web.clicks;
    assert.ok(held.pendingBytes <= CLICK_BUDGET, `${held.pendingBytes} bytes held`);
    assert.equal(held.pending + held.dropped, clicks);
    assert.ok(held.dropped > 0, 'the budget was reached and the rest counted as dropped');
    // Whole, each click would hold ~12 KB (5 would fit); at the edge bounds ~1.7 KB.
    assert.ok(held.pending >= Math.floor(CLICK_BUDGET / (300 + USER_AGENT_MAX_LENGTH + REFERRER_MAX_LENGTH)), `${held.pending} clicks held`);

    const installs = 60;
    for (let i = 0; i < installs; i++) stack.web.installTracker.record({ packageId: pkg.id, subpath: null, type: 'clone_start', at: Date.now(), ip: `81.2.70.${i}`, userAgent: `git/2.43.0 ${'g'.repeat(6000)}` });
    await waitFor(() => stack.web.installTracker.inFlight === 0, { what: 'install sightings minted without Redis' });
    const installBuffer = stack.web.installs;
    assert.ok(installBuffer.pendingBytes <= INSTALL_BUDGET, `${installBuffer.pendingBytes} bytes held`);
    assert.equal(installBuffer.pending + installBuffer.dropped, installs);
    assert.ok(installBuffer.dropped > 0);
    assert.ok(installBuffer.pending >= Math.floor(INSTALL_BUDGET / (300 + USER_AGENT_MAX_LENGTH)), `${installBuffer.pending} installs held`);

    redis = await startRedis(port);
    await waitFor(() => held.pending === 0 && installBuffer.pending === 0 && held.pendingBytes === 0 && installBuffer.pendingBytes === 0, { timeoutMs: 15_000, what: 'held events queued once Redis is back' });
  });
});
