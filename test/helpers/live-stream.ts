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
