import { useState } from 'preact/hooks';
import { account, changePassword, listTokens, revokeToken, testWebhook } from '../api/accounts';
import { api, ok } from '../api/client';
import { featureName, gateSentence, planName, PlanGate } from '../components/PlanGate';
import { CopyButton, Empty, ErrorNote, Field, Loading, Page, useAction, useLoad, when } from '../components/ui';

const SCOPES = ['analytics:read', 'links:read', 'links:write', 'packages:read', 'packages:write', 'conversions:manage', 'settings:manage', 'tokens:manage'] as const;
type Scope = (typeof SCOPES)[number];

function General() {
  const settings = useLoad(async () => (await ok(api.GET('/api/v1/settings'))).settings, []);
  const save = useAction();
  const [windowDays, setWindowDays] = useState<string | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [secret, setSecret] = useState('');
  const [saved, setSaved] = useState(false);
  const s = settings.data;
  if (!s) return settings.error ? <ErrorNote error={settings.error} /> : <Loading what="settings" />;
  return (
    <form class="card form" aria-labelledby="settings-general" onSubmit={(e) => {
      e.preventDefault();
      setSaved(false);
      void save.run(async () => {
        await ok(api.PATCH('/api/v1/settings', { body: {
          ...(windowDays !== null ? { attribution_window_days: Number(windowDays) } : {}),
          ...(url !== null ? { webhook_url: url.trim() || null } : {}),
          ...(secret ? { webhook_secret: secret } : {}),
        } }));
        setSecret('');
        setSaved(true);
        settings.reload();
      });
    }}>
      <h2 id="settings-general">Analytics and webhook</h2>
      <Field label="Attribution window (days)" hint="How far back conversions are attributed, and the period of the analytics API.">
        <input type="number" name="attribution_window_days" min={1} max={365} value={windowDays ?? String(s.attribution_window_days)} onInput={(e) => setWindowDays(e.currentTarget.value)} />
      </Field>
      {s.webhooks_available ? (
        <>
          <Field label="Webhook URL"><input type="url" name="webhook_url" value={url ?? s.webhook_url ?? ''} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/hooks/linktally" /></Field>
          <Field label="Webhook secret" hint={s.webhook_secret_set ? `A secret is set${s.webhook_secret_hint ? ` (ending ${s.webhook_secret_hint})` : ''}; type a new one to replace it. It is never shown again.` : 'Used to sign each delivery (HMAC-SHA256). Write-only.'}>
            <input type="password" name="webhook_secret" autoComplete="off" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
          </Field>
        </>
      ) : <PlanGate feature="webhooks">{null}</PlanGate>}
      <ErrorNote error={save.error} />
      {saved ? <p role="status" class="ok">Settings saved.</p> : null}
      <button type="submit" class="primary" disabled={save.busy}>Save settings</button>
    </form>
  );
}

function Deliveries() {
  const list = useLoad(async () => (await ok(api.GET('/api/v1/webhooks/deliveries', { params: { query: { per_page: '20' } } }))), []);
  const action = useAction();
  const [queued, setQueued] = useState(false);
  return (
    <section class="card" aria-labelledby="deliveries">
      <div class="row-head">
        <h2 id="deliveries">Webhook deliveries</h2>
        <div class="actions">
          <button type="button" disabled={action.busy} onClick={() => void action.run(async () => { await testWebhook(); setQueued(true); setTimeout(list.reload, 500); })}>Send test delivery</button>
          <button type="button" onClick={list.reload}>Refresh</button>
        </div>
      </div>
      {queued ? <p role="status" class="ok">Test delivery queued.</p> : null}
      <ErrorNote error={action.error ?? list.error} />
      {!list.data ? <Loading what="deliveries" /> : list.data.deliveries.length === 0 ? <Empty title="No deliveries yet.">Set a webhook URL above and send a test delivery.</Empty> : (
        <div class="scroll" tabIndex={0}>
          <table class="list">
            <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Response</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {list.data.deliveries.map((d) => (
                <tr key={d.id}>
                  <td>{d.event}</td><td>{d.status}</td><td>{d.attempt_count}</td>
                  <td>{d.last_status_code ?? d.last_error ?? '—'}</td><td>{when(d.created_at)}</td>
                  <td><button type="button" class="small" aria-label={`Redeliver ${d.event} of ${when(d.created_at)}`} onClick={() => void action.run(async () => {
                    await ok(api.POST('/api/v1/webhooks/deliveries/{id}/redeliver', { params: { path: { id: d.id } } }));
                    list.reload();
                  })}>Redeliver</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Tokens() {
  const tokens = useLoad(() => listTokens(), []);
  const action = useAction();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['analytics:read', 'links:read', 'links:write']);
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  return (
    <section class="card" aria-labelledby="tokens">
      <h2 id="tokens">API tokens</h2>
      <form class="form" onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const answer = await ok(api.POST('/api/v1/tokens/generate', { body: { name: name.trim() || undefined, scopes, expires_in_days: Number(days) } }));
          setCreated((answer as { api_token: string }).api_token);
          setName('');
          tokens.reload();
        });
      }}>
        <div class="two">
          <Field label="Token name"><input name="token_name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="CI deploys" /></Field>
          <Field label="Expires in (days)"><input type="number" name="expires_in_days" min={1} max={365} value={days} onInput={(e) => setDays(e.currentTarget.value)} /></Field>
        </div>
        <fieldset>
          <legend>Scopes</legend>
          <div class="checks">
            {SCOPES.map((s) => <label class="check" key={s}><input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}</label>)}
          </div>
        </fieldset>
        <button type="submit" class="primary" disabled={action.busy || scopes.length === 0}>Create token</button>
      </form>
      {created ? (
        <div class="notice" role="status">
          <p><strong>Your new token</strong> — copy it now; it is not shown again.</p>
          <p><code class="wrap" aria-label="New API token">{created}</code> <CopyButton text={created} label="Copy the new token" /></p>
        </div>
      ) : null}
      <ErrorNote error={action.error ?? tokens.error} />
      {!tokens.data ? (tokens.error ? null : <Loading what="tokens" />) : tokens.data.length === 0 ? <p class="muted">No live tokens.</p> : (
        <div class="scroll" tabIndex={0}>
          <table class="list">
            <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Scopes</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name ?? '—'}</td><td><code>{t.prefix}…</code></td><td>{t.scopes.join(', ')}</td><td>{when(t.last_used_at)}</td><td>{when(t.expires_at)}</td>
                  <td><button type="button" class="small danger" aria-label={`Revoke token ${t.name ?? t.prefix}`} onClick={() => void action.run(async () => { await revokeToken(t.id); tokens.reload(); })}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Plan() {
  const acct = useLoad(() => account(), []);
  const a = acct.data;
  return (
    <section class="card" aria-labelledby="plan">
      <h2 id="plan">Plan</h2>
      <ErrorNote error={acct.error} />
      {a ? (
        <>
          <p>You are on the <strong>{planName(a.plan.name)}</strong> plan · {a.usage.requests_today.toLocaleString()} of {a.usage.daily_limit.toLocaleString()} API requests used today.</p>
          <ul class="features">
            {(Object.keys(a.plan.features) as Array<keyof typeof a.plan.features>).map((k) => (
              <li key={k}>{a.plan.features[k] ? <>✓ {featureName(k)}</> : <>✗ {gateSentence(a, k)}</>}</li>
            ))}
          </ul>
        </>
      ) : acct.error ? null : <Loading what="your plan" />}
    </section>
  );
}

function Password() {
  const action = useAction();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  return (
    <form class="card form" aria-labelledby="password" onSubmit={(e) => {
      e.preventDefault();
      void action.run(async () => { await changePassword(current, next); setDone(true); setCurrent(''); setNext(''); });
    }}>
      <h2 id="password">Change password</h2>
      <div class="two">
        <Field label="Current password"><input type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} /></Field>
        <Field label="New password"><input type="password" autoComplete="new-password" required minLength={10} value={next} onInput={(e) => setNext(e.currentTarget.value)} /></Field>
      </div>
      <ErrorNote error={action.error} />
      {done ? <p role="status" class="ok">Password changed; your other sessions were signed out.</p> : null}
      <button type="submit" disabled={action.busy}>Change password</button>
    </form>
  );
}

export function Settings({ signedInWithSession }: { signedInWithSession: boolean }) {
  return (
    <Page title="Settings">
      <General />
      {/* The settings card above already says which plans have webhooks. */}
      <PlanGate feature="webhooks" silent><Deliveries /></PlanGate>
      <Tokens />
      <Plan />
      {signedInWithSession ? <Password /> : null}
    </Page>
  );
}
