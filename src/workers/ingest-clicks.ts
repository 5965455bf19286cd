import type { Job } from 'bullmq';
import { clickFromJson, clickToJson, type ClickRow, type InsertedClick } from '../db/click-store';
import { canonicalIp, hashIp, hashUserAgent, locate, parseAgent, referrerDomain } from '../lib/enrichment';
import type { ClickEvent } from '../lib/edge-events';
import type { JobPayloads } from '../queues/registry';
import { enqueueClickRollup } from '../queues/rollups';
import { openEvents } from '../queues/sealed-events';
import type { Services } from '../services';
import { publishClicks } from '../queues/live-feed';
import { coalescerFor } from './click-coalescer';
import { isLastAttempt } from '../queues/attempts';

/** The stored form of a click: raw IP, user agent and referrer go in, only derived values come out. */
export function enrichClick(appSecret: string, event: ClickEvent): ClickRow {
  const agent = parseAgent(event.userAgent);
  const ip = canonicalIp(event.ip);
  const place = locate(ip);
  return {
    ...(event.clickId !== undefined ? { id: event.clickId } : {}),
    event_id: event.id,
    link_id: event.linkId,
    user_id: event.userId,
    variant_id: event.variantId,
    clicked_at: new Date(event.at),
    trigger: event.trigger ?? 'link',
    rule_id: event.ruleId ?? null,
    hashed_ip: hashIp(appSecret, ip),
    hashed_user_agent: hashUserAgent(appSecret, event.userAgent),
    referrer_domain: referrerDomain(event.referrer),
    country_code: place.countryCode,
    city: place.city,
    device_type: agent.deviceType,
    browser_family: agent.browserFamily,
    os_family: agent.osFamily,
    is_bot: agent.isBot,
  };
}

/** A job's payload, or plain events (direct callers such as tests, and jobs queued before events were sealed). */
export type ClickBatchInput = JobPayloads['ingest-clicks'] | { events: ClickEvent[] };

function rowsOf(appSecret: string, data: ClickBatchInput): ClickRow[] {
  if ('stored' in data) return data.stored.map(clickFromJson);
  const events = 'sealed' in data ? openEvents<ClickEvent>(appSecret, data.sealed) : data.events;
  return events.map((event) => enrichClick(appSecret, event));
}

/**
 * Processor of `ingest-clicks`: enrich a batch of click events and store each exactly once
 * (together with the batches of other jobs running in this process: click-coalescer.ts), with
 * its counters, pending rollups and link.clicked deliveries in the same transaction, then ask
 * for a rollup of the link-days it touched. The rollup is requested even when a redelivered
 * batch inserted nothing: the first attempt may have committed and then failed to enqueue.
 */
export async function ingestClicks(services: Services, data: ClickBatchInput, job?: Job<JobPayloads['ingest-clicks']>): Promise<InsertedClick[]> {
  const rows = rowsOf(services.config.appSecret, data);
  let inserted: InsertedClick[];
  try {
    inserted = await coalescerFor(services).write(rows);
  } catch (err) {
    // A job that fails for good stays in Redis (for inspection and manual retry, until the
    // failed-job prune): keep the enriched rows instead of the sealed raw events. A retry of it
    // stores them as is.
    if (job && isLastAttempt(job) && !('stored' in data)) {
      await job.updateData({ stored: rows.map(clickToJson) }).catch(() => undefined);
    }
    throw err;
  }
  if (rows.length > 0) await enqueueClickRollup(services.queues, Date.now() + 1000);
  await publishClicks(services, rows, inserted); // never throws
  return inserted;
}
