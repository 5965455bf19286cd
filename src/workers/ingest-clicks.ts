import { storeClicks, type ClickRow, type InsertedClick } from '../db/click-store';
import { hashIp, hashUserAgent, locate, parseAgent, referrerDomain } from '../enrichment';
import type { ClickEvent } from '../events';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';
import { emitClickWebhooks } from '../webhooks/click-events';

export function enrichClick(appSecret: string, event: ClickEvent): ClickRow {
  const agent = parseAgent(event.userAgent);
  const place = locate(event.ip);
  return {
    ...(event.clickId !== undefined ? { id: event.clickId } : {}),
    event_id: event.id,
    link_id: event.linkId,
    user_id: event.userId,
    variant_id: event.variantId,
    clicked_at: new Date(event.at),
    hashed_ip: hashIp(appSecret, event.ip),
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

/** Processor of `ingest-clicks`: enrich a batch of click events and store each exactly once. */
export async function ingestClicks(services: Services, data: JobPayloads['ingest-clicks']): Promise<InsertedClick[]> {
  const rows = data.events.map((event) => enrichClick(services.config.appSecret, event));
  const inserted = await storeClicks(services.db, rows);
  await emitClickWebhooks(services, rows, inserted); // after commit; never throws
  return inserted;
}
