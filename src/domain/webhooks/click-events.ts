import type { AfterInsertStep, ClickRow } from '../../db/click-store';
import { findWebhookTargets } from '../../db/webhook-store';
import { planAllows } from '../../lib/plans';
import type { Services } from '../../services';
import { emitWebhooks, type WebhookEmission } from './emit';
import { webhookTimestamp, type ClickedData } from './events';

/**
 * link.clicked for the clicks a batch actually stored, only for people, not bots: a step of the
 * click insert's own transaction (the AFTER_INSERT steps of db/click-store.ts, joined by workers/click-coalescer.ts), so the delivery rows commit or
 * roll back with the clicks they report. A crash before the commit leaves neither (the retried
 * batch writes both); a redelivered batch inserts no click, so writes no second delivery. The
 * delivery jobs are queued once the transaction commits; one lost to a crash or a Redis outage
 * right after the commit is queued by the maintenance sweep (workers/maintain-webhooks.ts).
 * Costs one query per batch when no owner in it has a webhook; links and variants are read only
 * for owners who do.
 */
export function clickWebhookStep(services: Services): AfterInsertStep {
  return async (trx, inserted, batch) => {
    const people = inserted.filter((c) => !c.is_bot);
    if (people.length === 0) return;
    const targets = await findWebhookTargets(trx, people.map((c) => c.user_id));
    const receiving = new Set(targets.filter((t) => planAllows(t.plan, 'webhooks')).map((t) => t.id));
    if (receiving.size === 0) return;
    // Only once an owner receives webhooks is the batch indexed (most batches stop above).
    const enriched = new Map<string, ClickRow>(batch.map((r) => [r.event_id, r]));
    const wanted = people.filter((c) => receiving.has(c.user_id) && enriched.has(c.event_id));
    if (wanted.length === 0) return;

    const linkIds = [...new Set(wanted.map((c) => c.link_id))];
    const variantIds = [...new Set(wanted.map((c) => c.variant_id).filter((v): v is number => typeof v === 'number'))];
    const [links, variants] = await Promise.all([
      trx('links').whereIn('id', linkIds).select<Array<{ id: number; short_code: string; title: string | null }>>('id', 'short_code', 'title'),
      variantIds.length ? trx('link_variants').whereIn('id', variantIds).select<Array<{ id: number; name: string }>>('id', 'name') : [],
    ]);
    const linkById = new Map(links.map((l) => [l.id, l]));
    const variantById = new Map(variants.map((v) => [v.id, v]));

    const emissions: Array<WebhookEmission<'link.clicked'>> = [];
    for (const click of wanted) {
      const row = enriched.get(click.event_id) as ClickRow;
      const link = linkById.get(click.link_id);
      if (!link) continue; // storeClicks locked the batch's live links; a deleted one has no clicks here
      const variant = click.variant_id === null ? undefined : variantById.get(click.variant_id);
      const data: ClickedData = {
        link: { id: link.id, short_code: link.short_code, title: link.title },
        click: {
          id: click.id, country_code: row.country_code, device_type: row.device_type, browser_family: row.browser_family,
          os_family: row.os_family, referrer_domain: row.referrer_domain, clicked_at: webhookTimestamp(click.clicked_at),
          trigger: row.trigger,
        },
        variant: variant ? { id: variant.id, name: variant.name } : null,
      };
      emissions.push({ userId: click.user_id, event: 'link.clicked', data });
    }
    await emitWebhooks(services, emissions, { trx });
  };
}
