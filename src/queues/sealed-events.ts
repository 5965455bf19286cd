import { openWithKey, sealWithKey, subkey } from '../lib/secrets';

/**
 * Edge events carry raw visitor attributes (IP, user agent, referrer) to the workers that
 * enrich them. In Redis they are only ever sealed: a batch's events are one AES-256-GCM blob
 * under a subkey of APP_SECRET of their own, so nothing in a queued, retrying or failed job can
 * be read without the key. Sealed per batch, off the request path (in the buffer's send), so a
 * redirect pays nothing for it.
 */
const PURPOSE = 'queued edge events v1';

export function sealEvents<E>(appSecret: string, events: E[]): string {
  return sealPayload(appSecret, events);
}

/** The events of a sealed batch. Authenticated encryption: what opens was sealed by this deployment, as it was. */
export function openEvents<E>(appSecret: string, sealed: string): E[] {
  return openPayload<E[]>(appSecret, sealed);
}

/** Any batch payload (a click batch is packed: lib/edge-events.ts packClicks). */
export function sealPayload<T>(appSecret: string, payload: T): string {
  return sealWithKey(subkey(appSecret, PURPOSE), JSON.stringify(payload));
}

export function openPayload<T>(appSecret: string, sealed: string): T {
  return JSON.parse(openWithKey(subkey(appSecret, PURPOSE), sealed)) as T;
}
