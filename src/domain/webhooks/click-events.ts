import type { ClickRow, InsertedClick } from '../../db/click-store';
import { findWebhookTargets } from '../../db/webhook-store';
import { planAllows } from '../../lib/plans';
import type { Services } from '../../services';
import { emitWebhooks, type WebhookEmission } from './emit';
import { webhookTimestamp, type ClickedData } from './events';

/**
 * link.clicked for the clicks a batch actually stored (a redelivered batch stores none, so
 * sends none) and only for people, not bots. Costs one query per batch when no owner in it
 * has a webhook; links and variants are read only for owners who do.
 */
export async function emitClickWebhooks(services: Services, rows: readonly ClickRow[], inserted: readonly InsertedClick[]): Promise<number> {
  try {
    const enriched = new Map(rows.map((r) => [r.event_id, r]));
    const clicks = inserted.filter((c) => !c.is_bot && enriched.has(c.event_id));
    if (clicks.length === 0) return 0;
    const targets = await findWebhookTargets(services.db, clicks.map((c) => (enriched.get(c.event_id) as ClickRow).user_id));
    const receiving = new Set(targets.filter((t) => planAllows(t.plan, 'webhooks')).map((t) => t.id));
    const wanted = clicks.filter((c) => receiving.has((enriched.get(c.event_id) as ClickRow).user_id));
    if (wanted.length === 0) return 0;

    const linkIds = [...new Set(wanted.map((c) => c.link_id))];
    const variantIds = [...new Set(wanted.map((c) => enriched.get(c.event_id)?.variant_id).filter((v): v is number => typeof v === 'number'))];
    const [links, variants] = await Promise.all([
      services.db('links').whereIn('id', linkIds).select<Array<{ id: number; short_code: string; title: string | null }>>('id', 'short_code', 'title'),
      variantIds.length ? services.db('link_variants').whereIn('id', variantIds).select<Array<{ id: number; name: string }>>('id', 'name') : [],
    ]);
    const linkById = new Map(links.map((l) => [l.id, l]));
    const variantById = new Map(variants.map((v) => [v.id, v]));

    const emissions: Array<WebhookEmission<'link.clicked'>> = [];
    for (const click of wanted) {
      const row = enriched.get(click.event_id) as ClickRow;
      const link = linkById.get(click.link_id);
      if (!link) continue; // deleted since
      const variant = row.variant_id === null ? undefined : variantById.get(row.variant_id);
      const data: ClickedData = {
        link: { id: link.id, short_code: link.short_code, title: link.title },
        click: {
          id: click.id, country_code: row.country_code, device_type: row.device_type, browser_family: row.browser_family,
          os_family: row.os_family, referrer_domain: row.referrer_domain, clicked_at: webhookTimestamp(click.clicked_at),
        },
        variant: variant ? { id: variant.id, name: variant.name } : null,
      };
      emissions.push({ userId: row.user_id, event: 'link.clicked', data });
    }
    return await emitWebhooks(services, emissions);
  } catch (err) {
    services.logger.error({ category: 'webhooks', err: (err as Error).message }, 'could not emit link.clicked webhooks');
    return 0;
  }
}
