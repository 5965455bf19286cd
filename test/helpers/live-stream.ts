import { request } from './http';
import type { Stack } from './stack';
import { waitFor } from './wait';

/** An open GET /api/v1/live: everything received so far, and a way to hang up. */
export interface LiveStream {
  text(): string;
  close(): void;
}

/** Opens the live feed and resolves once the server says the stream is connected. */
export async function openLiveStream(url: string, headers: Record<string, string>): Promise<LiveStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`live feed answered ${res.status}`);
  let received = '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      received += decoder.decode(chunk.value, { stream: true });
    }
  })();
  await waitFor(() => received.includes(': connected'), { what: 'the live stream connected' });
  return { text: () => received, close: () => controller.abort() };
}

/**
 * Makes a link, opens the owner's live feed, follows the link once and waits for that click on
 * the feed: the whole path from the edge through the worker and Redis pub/sub to the stream.
 */
export async function expectClickOnLiveFeed(stack: Stack, auth: Record<string, string>): Promise<void> {
  const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: auth, json: { link: { destination_url: 'https://example.com/live' } } });
  if (created.status !== 201) throw new Error(`link creation answered ${created.status}`);
  const live = await openLiveStream(stack.url('/api/v1/live'), auth);
  try {
    const res = await fetch(stack.url(`/${created.body.link.short_code}`), { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' } });
    if (res.status !== 302) throw new Error(`the redirect answered ${res.status}`);
    await waitFor(() => new RegExp(`event: click\\ndata: .*"link_id":${created.body.link.id}\\b`).test(live.text()), { what: 'the click on the live feed' });
  } finally {
    live.close();
  }
}
