import { useState } from 'preact/hooks';
import { useLiveEvents, type LiveEvent } from '../api/live';
import { Country } from '../components/Country';
import { A, Empty, Page } from '../components/ui';

const KEEP = 100;

export function Live() {
  const [events, setEvents] = useState<Array<LiveEvent & { n: number }>>([]);
  const [counts, setCounts] = useState({ click: 0, install: 0 });
  const state = useLiveEvents((event) => {
    setEvents((list) => [{ ...event, n: Date.now() + Math.random() }, ...list].slice(0, KEEP));
    setCounts((c) => ({ ...c, [event.kind]: c[event.kind] + 1 }));
  });
  return (
    <Page title="Live">
      <p role="status" class={`live-state ${state}`}>{state === 'live' ? 'Connected: new clicks and installs appear here as they happen.' : state === 'connecting' ? 'Connecting…' : 'Disconnected; reconnecting…'}</p>
      <div class="stats">
        <div class="card stat"><h2>Clicks since you opened this page</h2><p class="big" aria-live="polite">{counts.click}</p></div>
        <div class="card stat"><h2>Installs since you opened this page</h2><p class="big" aria-live="polite">{counts.install}</p></div>
      </div>
      {events.length === 0 ? <Empty title="Waiting for the next click or install.">Open one of your short links in another tab to see it arrive.</Empty> : (
        <ol class="feed" aria-label="Latest events">
          {events.map((e) => (
            <li key={e.n}>
              <time>{new Date(e.at).toLocaleTimeString()}</time>{' '}
              {e.kind === 'click'
                ? <>Click on <A href={`/app/links/${e.link_id}`}>link #{e.link_id}</A>{e.variant_id ? ` (variant #${e.variant_id})` : ''} · {e.country ? <Country code={e.country} /> : 'unknown place'} · {e.device ?? 'unknown device'} · {e.browser ?? 'unknown browser'}{e.referrer ? ` · from ${e.referrer}` : ''}</>
                : <>Install of <A href={`/app/packages/${e.slug}`}><strong>{e.slug}</strong></A> · {e.country ? <Country code={e.country} /> : 'unknown place'} · {e.os ?? 'unknown system'}</>}
            </li>
          ))}
        </ol>
      )}
    </Page>
  );
}
