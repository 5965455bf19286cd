/**
 * Webhook delivery throughput: deliveries per second from a real worker to a fast local
 * receiver (answers 204 at once), through the whole path — delivery rows, the `webhooks` queue,
 * the per-receiver slot in Redis, signing, HTTP, attempt records.
 *
 *   npx tsx bench/webhooks.ts [--events 2000] [--receiver-concurrency 4] [--worker-concurrency 25]
 *
 * Uses its own database (linktally_bench_webhooks, created and migrated) and Redis prefix.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { ensureDatabase } from '../src/db/ensure-database';
import { migrateLatest } from '../src/db/migrate';
import { createUser } from '../src/db/user-store';
import { encryptSecret } from '../src/lib/secrets';
import { closeServices, createServices } from '../src/services';
import { emitWebhooks, type WebhookEmission } from '../src/domain/webhooks/emit';
import { startWorkers } from '../src/workers/run';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '2000' }, 'receiver-concurrency': { type: 'string', default: '4' }, 'worker-concurrency': { type: 'string', default: '25' } } });
  const events = Number(values.events);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/linktally_bench_webhooks';
  const prefix = `lt_bench_${process.pid}`;
  const config = loadConfig({
    ...process.env, DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, WEBHOOK_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'warn', APP_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    WEBHOOK_RECEIVER_CONCURRENCY: values['receiver-concurrency'], WEBHOOK_CONCURRENCY: values['worker-concurrency'],
  });
  await ensureDatabase(databaseUrl);
  const services = createServices(config);
  await migrateLatest(services.db);
  await services.db.raw('TRUNCATE webhook_attempts, webhook_deliveries, users RESTART IDENTITY CASCADE');

  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const user = await createUser(services.db, `bench-${Date.now()}@example.com`, 'enterprise');
  await services.db('users').where({ id: user.id }).update({ webhook_url: url, webhook_secret_encrypted: encryptSecret(config.appSecret, 'bench-secret-0123456789') });
  const workers = startWorkers(services, { queues: ['webhooks'] });

  const started = performance.now();
  for (let i = 0; i < events; i += 500) {
    const chunk: WebhookEmission[] = [];
    for (let j = i; j < Math.min(events, i + 500); j++) {
      chunk.push({
        userId: user.id, event: 'link.clicked',
        data: { link: { id: 1, short_code: 'bench', title: 'Bench' }, click: { id: j, country_code: 'CH', device_type: 'mobile', browser_family: 'Safari', os_family: 'iOS', referrer_domain: 'twitter.com', clicked_at: new Date().toISOString(), trigger: 'link' }, variant: null },
      });
    }
    await emitWebhooks(services, chunk);
  }
  const emitted = performance.now();
  while (received < events) await new Promise((r) => setTimeout(r, 20));
  const delivered = performance.now();
  const [durations] = await Promise.all([
    services.db('webhook_attempts').select(services.db.raw('percentile_cont(0.5) within group (order by duration_ms) as p50, percentile_cont(0.99) within group (order by duration_ms) as p99')),
  ]);
  const seconds = (delivered - started) / 1000;
  const result = {
    events,
    receiver_concurrency: config.webhookReceiverConcurrency,
    worker_concurrency: config.webhookConcurrency,
    emit_ms: Math.round(emitted - started),
    total_s: Number(seconds.toFixed(2)),
    deliveries_per_s: Math.round(events / seconds),
    attempt_ms_p50: Number(durations[0]?.p50 ?? 0),
    attempt_ms_p99: Number(durations[0]?.p99 ?? 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);

  await workers.close();
  await services.queues.queue('webhooks').obliterate({ force: true });
  const keys = await services.redis.keys(`*${prefix}*`);
  if (keys.length) await services.redis.del(...keys);
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await closeServices(services);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
