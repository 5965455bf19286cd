import { useEffect, useRef, useState } from 'preact/hooks';
import { apiToken } from './client';

export type LiveEvent =
  | { kind: 'click'; at: string; link_id: number; variant_id: number | null; country: string | null; device: string | null; browser: string | null; os: string | null; referrer: string | null }
  | { kind: 'install'; at: string; package_id: number; slug: string; country: string | null; os: string | null };

/**
 * Reads GET /api/v1/live (server-sent events). fetch rather than EventSource, because an
 * EventSource cannot send the Authorization header a token session needs; reconnects after 2 s.
 */
export function useLiveEvents(onEvent: (event: LiveEvent) => void): 'connecting' | 'live' | 'offline' {
  const [state, setState] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const token = apiToken();
        const response = await fetch('/api/v1/live', { credentials: 'same-origin', signal: abort.signal, headers: token ? { Authorization: `Bearer ${token}` } : {} });
        if (!response.ok || !response.body) throw new Error(`live feed answered ${response.status}`);
        setState('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (data) handler.current(JSON.parse(data) as LiveEvent);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      setState('offline');
      timer = setTimeout(() => void connect(), 2000);
    };
    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);
  return state;
}
