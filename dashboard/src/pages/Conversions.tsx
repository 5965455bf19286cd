import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { PeriodPicker, rangeOf } from '../components/Analytics';
import { SeriesChart } from '../components/Chart';
import { PlanGate } from '../components/PlanGate';
import { CopyButton, Empty, ErrorNote, Field, fmt, Loading, Page, useAction, useLoad } from '../components/ui';
import { useLocation } from '../router';

function Minted({ secret }: { secret: { postback_token: string; postback_url: string } }) {
  const example = `curl -X POST '${secret.postback_url}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"click_id": "<the lt_click_id your landing page received>", "value": 49.90}'`;
  return (
    <div class="notice" role="status">
      <p><strong>Postback token</strong> — copy it now; it is not shown again.</p>
      <p><code class="wrap" aria-label="Postback token">{secret.postback_token}</code> <CopyButton text={secret.postback_token} label="Copy the postback token" /></p>
      <p>Example request from your server:</p>
      <pre><code>{example}</code></pre>
      <CopyButton text={example} label="Copy the example request" />
    </div>
  );
}

type Goal = paths['/api/v1/conversion_goals']['get']['responses'][200]['content']['application/json']['conversion_goals'][number];
type GoalFields = { name: string; currency: string; default_value: number | null };
const idPath = (id: number) => ({ params: { path: { id: String(id) } } });

/** One form for a new goal and for editing one: name, default value and currency. */
function GoalForm({ goal, onSave, onCancel }: { goal?: Goal; onSave: (fields: GoalFields) => Promise<void>; onCancel?: () => void }) {
  const action = useAction();
  const [name, setName] = useState(goal?.name ?? '');
  const [value, setValue] = useState(goal?.default_value != null ? String(goal.default_value) : '');
  const [currency, setCurrency] = useState(goal?.currency ?? 'USD');
  const verb = goal ? 'Save goal' : 'Create goal';
  return (
    <form class="form" aria-label={goal ? `Edit goal ${goal.name}` : 'New goal'} onSubmit={(e) => {
      e.preventDefault();
      void action.run(async () => {
        await onSave({ name: name.trim(), currency, default_value: value ? Number(value) : null });
        if (!goal) { setName(''); setValue(''); }
      });
    }}>
      <div class="three">
        <Field label="Goal name"><input name="goal_name" required value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="Purchase" /></Field>
        <Field label="Default value"><input type="number" step="0.01" min="0" name="default_value" value={value} onInput={(e) => setValue(e.currentTarget.value)} /></Field>
        <Field label="Currency"><input name="currency" required maxLength={3} value={currency} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} /></Field>
      </div>
      <ErrorNote error={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>{verb}</button>
      {onCancel ? <> <button type="button" onClick={onCancel}>Cancel</button></> : null}
    </form>
  );
}

function Goals() {
  const goals = useLoad(async () => (await ok(api.GET('/api/v1/conversion_goals'))).conversion_goals, []);
  const action = useAction();
  const [editing, setEditing] = useState<Goal | null>(null);
  const [secret, setSecret] = useState<{ postback_token: string; postback_url: string } | null>(null);
  return (
    <section class="card" aria-labelledby="goals">
      <h2 id="goals">Goals</h2>
      {editing ? (
        <GoalForm key={editing.id} goal={editing} onCancel={() => setEditing(null)} onSave={async (fields) => {
          await ok(api.PATCH('/api/v1/conversion_goals/{id}', { ...idPath(editing.id), body: { conversion_goal: fields } }));
          setEditing(null);
          goals.reload();
        }} />
      ) : (
        <GoalForm onSave={async (fields) => {
          const answer = await ok(api.POST('/api/v1/conversion_goals', { body: { conversion_goal: fields } }));
          setSecret(answer.conversion_goal);
          goals.reload();
        }} />
      )}
      {secret ? <Minted secret={secret} /> : null}
      <ErrorNote error={action.error ?? goals.error} />
      {!goals.data ? (goals.error ? null : <Loading what="goals" />) : goals.data.length === 0 ? <Empty title="No goals yet.">Create a goal, then call its postback URL from your server when someone converts.</Empty> : (
        <div class="scroll" tabIndex={0}>
          <table class="list">
            <thead><tr><th scope="col">Goal</th><th scope="col">Value</th><th scope="col">Conversions</th><th scope="col">Token</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {goals.data.map((g) => (
                <tr key={g.id}>
                  <td>{g.name}</td><td>{g.default_value !== null ? `${g.default_value} ${g.currency}` : '—'}</td><td>{fmt(g.conversion_count)}</td>
                  <td><code>{g.token_prefix}…</code></td><td>{g.active ? 'Active' : 'Inactive'}</td>
                  <td class="row-actions">
                    <button type="button" class="small" aria-label={`${g.active ? 'Deactivate' : 'Activate'} ${g.name}`} onClick={() => void action.run(async () => {
                      await ok(api.PATCH('/api/v1/conversion_goals/{id}', { ...idPath(g.id), body: { conversion_goal: { active: !g.active } } }));
                      goals.reload();
                    })}>{g.active ? 'Deactivate' : 'Activate'}</button>
                    <button type="button" class="small" aria-label={`Rotate token of ${g.name}`} onClick={() => void action.run(async () => {
                      const answer = await ok(api.POST('/api/v1/conversion_goals/{id}/rotate_token', idPath(g.id)));
                      setSecret(answer.conversion_goal);
                      goals.reload();
                    })}>Rotate token</button>
                    <button type="button" class="small" aria-label={`Edit ${g.name}`} aria-pressed={editing?.id === g.id} onClick={() => setEditing(editing?.id === g.id ? null : g)}>Edit</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function OverTime() {
  const { params } = useLocation();
  const range = rangeOf(params);
  const data = useLoad(() => ok(api.GET('/api/v1/analytics/range', { params: { query: range.query } })), [JSON.stringify(range.query)]);
  const rates = useLoad(async () => (await ok(api.GET('/api/v1/analytics/advanced'))).advanced, []);
  return (
    <>
      <section class="card" aria-labelledby="over-time">
        <div class="row-head"><h2 id="over-time">Conversions over time</h2><PeriodPicker /></div>
        <ErrorNote error={data.error} />
        {data.data ? <SeriesChart label={`Conversions, ${range.period === '24h' ? 'the last 24 hours' : `${data.data.range.from} to ${data.data.range.to}`}`} currentName="Conversions" hourly={data.data.range.granularity === 'hour'}
          x={data.data.series.map((s) => Date.parse(s.bucket.length === 13 ? `${s.bucket}:00:00Z` : `${s.bucket}T00:00:00Z`) / 1000)} current={data.data.series.map((s) => s.conversions)} /> : <Loading what="conversions" />}
      </section>
      <section class="card" aria-labelledby="rates">
        <h2 id="rates">Conversion rate per link</h2>
        <ErrorNote error={rates.error} />
        {rates.data ? (rates.data.conversion_analysis.length === 0 ? <p class="muted">No clicks in the last {rates.data.attribution_window_days} days.</p> : (
          <table class="list">
            <caption class="muted">Over the attribution window ({rates.data.attribution_window_days} days)</caption>
            <thead><tr><th scope="col">Link</th><th scope="col">Clicks</th><th scope="col">Conversion rate</th></tr></thead>
            <tbody>{rates.data.conversion_analysis.map((r) => <tr key={r.link_id}><td>/{r.short_code}{r.title ? ` · ${r.title}` : ''}</td><td>{fmt(r.clicks)}</td><td>{r.conversion_rate}%</td></tr>)}</tbody>
          </table>
        )) : rates.error ? null : <Loading what="conversion rates" />}
      </section>
    </>
  );
}

export function Conversions() {
  return (
    <Page title="Conversions">
      <PlanGate feature="conversions">
        <Goals />
        <OverTime />
      </PlanGate>
    </Page>
  );
}
