import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useLiveEvents } from '../api/live';
import { AnalyticsPanel, PeriodPicker } from '../components/Analytics';
import { Country } from '../components/Country';
import { PlanGate, useAccount } from '../components/PlanGate';
import { QrPanel } from '../components/QrPanel';
import { A, CopyButton, ErrorNote, fmt, Loading, Page, useLoad, when } from '../components/ui';
import { linkState } from './Links';

/** Where the link's counted clicks came from: a QR code scan or the link, and which targeting rule sent them. */
function ClickSources({ id, analytics }: { id: number; analytics: { trigger_breakdown: { qr: number; link: number }; rule_breakdown: Array<{ rule_id: number | null; clicks: number }> } }) {
  const acct = useAccount();
  const targeting = Boolean(acct.data?.plan.features.targeting);
  const rules = useLoad(async () => (targeting ? (await ok(api.GET('/api/v1/links/{id}/rules', { params: { path: { id: String(id) } } }))).rules : []), [id, targeting]);
  const names = new Map((rules.data ?? []).map((r) => [r.id, r.name ? `Rule ${r.position + 1}: ${r.name}` : `Rule ${r.position + 1}`]));
  const { qr, link } = analytics.trigger_breakdown;
  return (
    <div class="grid">
      <div class="card">
        <h2>Scans and clicks</h2>
        <table class="list">
          <thead><tr><th scope="col">Trigger</th><th scope="col">Clicks</th></tr></thead>
          <tbody><tr><td>QR code scans</td><td>{fmt(qr)}</td></tr><tr><td>Link clicks</td><td>{fmt(link)}</td></tr></tbody>
        </table>
      </div>
      <div class="card">
        <h2>Clicks by targeting rule</h2>
        <ErrorNote error={rules.error} />
        {analytics.rule_breakdown.length === 0 ? <p class="muted">No clicks yet.{targeting && (rules.data ?? []).length === 0 ? <> <A href={`/app/links/${id}/edit`}>Add targeting rules</A> to send some visitors elsewhere.</> : null}</p> : (
          <table class="list">
            <thead><tr><th scope="col">Rule</th><th scope="col">Clicks</th></tr></thead>
            <tbody>{analytics.rule_breakdown.map((r) => (
              <tr key={r.rule_id ?? 'none'}><td>{r.rule_id === null ? 'No rule matched (the usual destination)' : names.get(r.rule_id) ?? `A removed rule (#${r.rule_id})`}</td><td>{fmt(r.clicks)}</td></tr>
            ))}</tbody>
          </table>
        )}
      </div>
    </div>
  );
}

export function LinkDetail({ id }: { id: number }) {
  const path = { params: { path: { id: String(id) } } };
  const acct = useAccount();
  const hasVariants = Boolean(acct.data?.plan.features.variants);
  const link = useLoad(async () => (await ok(api.GET('/api/v1/links/{id}', path))).link, [id]);
  const variants = useLoad(async () => (hasVariants ? (await ok(api.GET('/api/v1/links/{link_id}/variants', { params: { path: { link_id: String(id) } } }))).variants : []), [id, hasVariants]);
  const [liveClicks, setLiveClicks] = useState(0);
  useLiveEvents((event) => {
    if (event.kind === 'click' && event.link_id === id) {
      setLiveClicks((n) => n + 1);
      link.reload();
      variants.reload();
    }
  });
  const l = link.data;
  if (!l) return <Page title="Link">{link.error ? <ErrorNote error={link.error} /> : <Loading what="the link" />}</Page>;
  return (
    <Page title={`/${l.short_code}`} actions={<><PeriodPicker /><A class="button" href={`/app/links/${id}/edit`}>Edit</A></>}>
      <div class="link-head card">
        <p><a href={l.short_url}>{l.short_url}</a> <CopyButton text={l.short_url} label="Copy short URL" /></p>
        <p class="muted truncate">→ {l.destination_url}</p>
        {l.domain ? <p>Domain: <A href="/app/domains">{l.domain}</A></p> : null}
        <p>{linkState(l)}{l.password_protected ? ' · password protected' : ''} · <strong>{fmt(l.click_count)}</strong> clicks in all{liveClicks ? <span role="status"> · {liveClicks} new while you watched</span> : null}</p>
      </div>
      <AnalyticsPanel linkId={id} />
      <div class="grid">
        <div class="card">
          <h2>Variants</h2>
          <PlanGate feature="variants">
          <ErrorNote error={variants.error} />
          {(variants.data ?? []).length === 0 ? <p class="muted">No A/B variants. <A href={`/app/links/${id}/edit`}>Add variants</A> to split traffic.</p> : (
            <table class="list">
              <thead><tr><th scope="col">Variant</th><th scope="col">Weight</th><th scope="col">Clicks</th><th scope="col">Click share</th></tr></thead>
              <tbody>{(variants.data ?? []).map((v) => <tr key={v.id}><td>{v.name}{v.active ? '' : ' (paused)'}</td><td>{v.weight}</td><td>{fmt(v.click_count)}</td><td>{v.click_percentage}%</td></tr>)}</tbody>
            </table>
          )}
          </PlanGate>
        </div>
        <QrPanel linkId={id} code={l.short_code} />
      </div>
      <ClickSources id={id} analytics={l.analytics} />
      <div class="card">
        <h2>Recent clicks</h2>
        {l.analytics.recent_clicks.length === 0 ? <p class="muted">No clicks yet. Share <code>{l.short_url}</code> to get some.</p> : (
          <div class="scroll" tabIndex={0}>
            <table class="list">
              <thead><tr><th scope="col">When</th><th scope="col">Country</th><th scope="col">Device</th><th scope="col">Browser</th><th scope="col">OS</th><th scope="col">Referrer</th></tr></thead>
              <tbody>{l.analytics.recent_clicks.map((c, i) => <tr key={i}><td>{when(c.clicked_at)}</td><td><Country code={c.country_code} /></td><td>{c.device_type ?? '—'}</td><td>{c.browser_family ?? '—'}</td><td>{c.os_family ?? '—'}</td><td>{c.referrer_domain ?? '—'}</td></tr>)}</tbody>
            </table>
          </div>
        )}
      </div>
    </Page>
  );
}
