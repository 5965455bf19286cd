import { randomBytes } from 'node:crypto';

/**
 * The webhook events and the payload every receiver gets, exactly as the PVTLNK document shows:
 * {id, event, timestamp, version: "1.0", data}. `data` is typed per event so emitters cannot
 * drift from what receivers are told to expect.
 */
export const WEBHOOK_EVENTS = ['link.created', 'link.updated', 'link.clicked', 'conversion.tracked', 'subscription.updated', 'webhook.test'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface ConversionSummary {
  id: number;
  goal: { id: number; name: string };
  order_id: string | null;
  value: number | null;
  currency: string;
  attributed: boolean;
  link_id: number | null;
  click_id: number | null;
  variant_id: number | null;
  time_to_convert: string | null;
  converted_at: string;
}

export interface LinkSummary {
  id: number;
  short_code: string;
  title: string | null;
}

export interface ClickedData {
  link: LinkSummary;
  click: {
    id: number;
    country_code: string | null;
    device_type: string | null;
    browser_family: string | null;
    os_family: string | null;
    referrer_domain: string | null;
    clicked_at: string;
    /** Additive: 'qr' for a scan of the link's QR code, else 'link'. */
    trigger: 'qr' | 'link';
  };
  variant: { id: number; name: string } | null;
}

export interface WebhookEventData {
  /** The link as the API presents it (GET /api/v1/links/:id). */
  'link.created': { link: LinkSummary & object };
  'link.updated': { link: LinkSummary & object };
  'link.clicked': ClickedData;
  /** Shaped by the conversions module; `conversion.id` is the one field receivers can rely on. */
  'conversion.tracked': { conversion: ConversionSummary };
  'subscription.updated': { subscription: { plan: string; previous_plan: string; updated_at: string } };
  /** Sent only when asked for (POST /api/v1/webhooks/test), to check a receiver and its signature check. */
  'webhook.test': { test: true; message: string };
}

export interface WebhookPayload<E extends WebhookEvent = WebhookEvent> {
  id: string;
  event: E;
  timestamp: string;
  version: '1.0';
  data: WebhookEventData[E];
}

/** Seconds precision, as the document shows ("2026-03-12T12:30:45Z"). */
export function webhookTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildPayload<E extends WebhookEvent>(event: E, data: WebhookEventData[E], at: Date = new Date()): WebhookPayload<E> {
  return { id: randomBytes(16).toString('hex'), event, timestamp: webhookTimestamp(at), version: '1.0', data };
}

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}
