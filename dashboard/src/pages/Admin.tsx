import { useState } from 'preact/hooks';
import { adminUsers, createInvite, deleteInvite, listInvites, setUserPlan, type Plan } from '../api/accounts';
import { CopyButton, Empty, ErrorNote, Field, fmt, Loading, Page, useAction, useLoad, when } from '../components/ui';

const PLANS: readonly Plan[] = ['free', 'pro', 'enterprise'];

export function Admin() {
  const users = useLoad(() => adminUsers(), []);
  const invites = useLoad(() => listInvites(), []);
  const action = useAction();
  const [days, setDays] = useState('7');
  const [url, setUrl] = useState<string | null>(null);
  return (
    <Page title="Admin">
      <section class="card" aria-labelledby="users">
        <h2 id="users">Users</h2>
        <ErrorNote error={users.error ?? action.error} />
        {!users.data ? (users.error ? null : <Loading what="users" />) : (
          <div class="scroll" tabIndex={0}>
            <table class="list">
              <thead><tr><th scope="col">User</th><th scope="col">Plan</th><th scope="col">Links</th><th scope="col">Packages</th><th scope="col">Clicks</th><th scope="col">Installs</th><th scope="col">API requests today</th><th scope="col">Joined</th></tr></thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}{u.is_admin ? ' (admin)' : ''}</td>
                    <td><select aria-label={`Plan of ${u.email}`} value={u.plan} onChange={(e) => {
                      const plan = e.currentTarget.value as Plan;
                      void action.run(async () => { await setUserPlan(u.id, plan); users.reload(); });
                    }}>{PLANS.map((p) => <option key={p} value={p}>{p}</option>)}</select></td>
                    <td>{fmt(u.links)}</td><td>{fmt(u.packages)}</td><td>{fmt(u.clicks)}</td><td>{fmt(u.installs)}</td><td>{fmt(u.requests_today)}</td><td>{when(u.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="invites">
        <h2 id="invites">Invites</h2>
        <form class="inline-form" onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => { const invite = await createInvite(Number(days)); setUrl(invite.url); invites.reload(); });
        }}>
          <Field label="Valid for (days)"><input type="number" min={1} max={90} value={days} onInput={(e) => setDays(e.currentTarget.value)} /></Field>
          <button type="submit" class="primary" disabled={action.busy}>Create invite link</button>
        </form>
        {url ? <p class="notice" role="status">Invite link (shown once): <code class="wrap">{url}</code> <CopyButton text={url} label="Copy the invite link" /></p> : null}
        <ErrorNote error={invites.error} />
        {!invites.data ? (invites.error ? null : <Loading what="invites" />) : invites.data.length === 0 ? <Empty title="No open invites.">Create an invite link above and send it to the person you are inviting.</Empty> : (
          <ul class="plain">{invites.data.map((i) => <li key={i.id}>Invite #{i.id} · {i.status} · expires {when(i.expires_at)}{' '}
            <button type="button" class="small" aria-label={`Withdraw invite ${i.id}`} onClick={() => void action.run(async () => { await deleteInvite(i.id); invites.reload(); })}>Withdraw</button></li>)}</ul>
        )}
      </section>
    </Page>
  );
}
