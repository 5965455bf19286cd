import { queryOf } from './url-path';

/** What brought a click: a scan of the link's QR code, or anything else. */
export const CLICK_TRIGGERS = ['qr', 'link'] as const;
export type ClickTrigger = (typeof CLICK_TRIGGERS)[number];

/** The query the QR code's URL carries (src/api/link-qr.ts) so that scans can be told apart. */
export const QR_MARKER = 'qr=1';

/** The short URL a QR code encodes. */
export function qrUrl(shortUrl: string): string {
  return `${shortUrl}?${QR_MARKER}`;
}

/** Whether a redirect request came from a QR scan; plain string work, it runs on every redirect. */
export function triggerOf(requestUrl: string): ClickTrigger {
  const query = queryOf(requestUrl);
  if (query === '') return 'link';
  return query.split('&').includes(QR_MARKER) ? 'qr' : 'link';
}
