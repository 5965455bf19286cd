import type { Job } from 'bullmq';
import { clickFromJson, clickToJson, type ClickRow, type InsertedClick } from '../db/click-store';
import { canonicalIp, hashIp, hashUserAgent, locate, parseAgent, referrerDomain, type AgentInfo, type Place } from '../lib/enrichment';
import { unpackClicks, type ClickEvent, type PackedClicks } from '../lib/edge-events';
import type { JobPayloads } from '../queues/registry';
import { openPayload } from '../queues/sealed-events';
import type { Services } from '../services';
import { publishClicks } from '../queues/live-feed';
import { coalescerFor } from './click-coalescer';
import { isLastAttempt } from '../queues/attempts';

/**
 * What one batch has already derived from visitors' addresses, user agents and referrers. A
 * batch repeats them (a visitor's several clicks, the few common browsers), and each keyed hash
 * is a fresh HMAC, each referrer a URL parse: per batch each is derived once. It lives as long
 * as the batch, so raw values are held no longer than the events themselves.
 */
export interface EnrichMemo {
  visitors: Map<string, { hashedIp: string; place: Place }>;
  agents: Map<string, { info: AgentInfo; hashed: string }>;
  referrers: Map<string, string | null>;
}

export function newEnrichMemo(): EnrichMemo {
  return { visitors: new Map(), agents: new Map(), referrers: new Map() };
}

/** The value `key` was given in this batch, derived on its first sighting. */
function once<V>(seen: Map<string, V>, key: string, derive: () => V): V {
  let value = seen.get(key);
  if (value === undefined) {
    value = derive();
    seen.set(key, value);
  }
  return value;
}

/** The stored form of a click: raw IP, user agent and referrer go in, only derived values come out. */
export function enrichClick(appSecret: string, event: ClickEvent, memo: EnrichMemo = newEnrichMemo()): ClickRow {
  const agent = once(memo.agents, event.userAgent, () => ({ info: parseAgent(event.userAgent), hashed: hashUserAgent(appSecret, event.userAgent) }));
  const visitor = once(memo.visitors, event.ip, () => {
    const ip = canonicalIp(event.ip);
    return { hashedIp: hashIp(appSecret, ip), place: locate(ip) };
  });
  const referrer = event.referrer ? once(memo.referrers, event.referrer, () => referrerDomain(event.referrer)) : null;
  return {
    id: event.clickId, // undefined unless minted at the edge; one object shape either way
    event_id: event.id,
    link_id: event.linkId,
    user_id: event.userId,
    variant_id: event.variantId,
    clicked_at: new Date(event.at),
    trigger: event.trigger ?? 'link',
    rule_id: event.ruleId ?? null,
    hashed_ip: visitor.hashedIp,
    hashed_user_agent: agent.hashed,
    referrer_domain: referrer,
    country_code: visitor.place.countryCode,
    city: visitor.place.city,
    device_type: agent.info.deviceType,
    browser_family: agent.info.browserFamily,
    os_family: agent.info.osFamily,
    is_bot: agent.info.isBot,
  };
}

/** A job's payload, or plain events (direct callers such as tests, and jobs queued before events were sealed). */
export type ClickBatchInput = JobPayloads['ingest-clicks'] | { events: ClickEvent[] };

function rowsOf(appSecret: string, data: ClickBatchInput): ClickRow[] {
  if ('stored' in data) return data.stored.map(clickFromJson);
  const events = 'sealed' in data ? unpackClicks(openPayload<PackedClicks | ClickEvent[]>(appSecret, data.sealed)) : data.events;
  const memo = newEnrichMemo();
  return events.map((event) => enrichClick(appSecret, event, memo));
}

/**
 * Processor of `ingest-clicks`: enrich a batch of click events and store each exactly once
 * (together with the batches of other jobs running in this process: click-coalescer.ts), with
 * its counters, daily aggregates (db/rollup-increments.ts) and link.clicked deliveries in the
 * same transaction: nothing is left for a later rollup pass to do.
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
  await publishClicks(services, rows, inserted); // never throws
  return inserted;
}
