import assert from 'node:assert/strict';
import { loadConfig, loadSettings } from '../../../../src/config';
import { deliveryJobOptions, retryDelay, webhookBackoffStrategy, WEBHOOK_BACKOFF } from '../../../../src/domain/webhooks/retry-schedule';

describe('Webhook retry schedule', () => {
  const config = loadConfig({ APP_SECRET: 'schedule-test-secret-schedule-test-secret' });

  it('defaults to the contract: attempt 1 at once, then after 1 s, 5 s and 30 s', () => {
    assert.deepEqual(config.webhookRetryDelaysMs, [1000, 5000, 30000]);
    assert.equal(config.webhookTimeoutMs, 10_000);
    const strategy = webhookBackoffStrategy(config.webhookRetryDelaysMs);
    assert.deepEqual([1, 2, 3].map((failed) => strategy(failed, WEBHOOK_BACKOFF)), [1000, 5000, 30000]);
  });

  it('gives each delivery four attempts with the custom (not exponential) backoff and a stable job id per series', () => {
    const opts = deliveryJobOptions(config, 'abc', 2);
    assert.equal(opts.attempts, 4);
    assert.deepEqual(opts.backoff, { type: WEBHOOK_BACKOFF });
    assert.equal(opts.jobId, 'wh-abc-s2');
  });

  it('reads the delays from WEBHOOK_RETRY_DELAYS_MS and refuses a malformed list naming the variable', () => {
    assert.deepEqual(loadSettings({ WEBHOOK_RETRY_DELAYS_MS: '10,50' }).webhookRetryDelaysMs, [10, 50]);
    assert.equal(retryDelay([10, 50], 2), 50);
    assert.throws(() => loadSettings({ WEBHOOK_RETRY_DELAYS_MS: '1s,5s' }), /WEBHOOK_RETRY_DELAYS_MS/);
  });

  it('refuses to compute a delay for a backoff type it does not own', () => {
    assert.throws(() => webhookBackoffStrategy([1])(1, 'exponential'), /Unknown backoff/);
  });
});
