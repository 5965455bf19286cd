import { api, ok } from '../api/client';
import { setParams, useLocation } from '../router';
import { Breakdown } from './Breakdown';
import { SeriesChart } from './Chart';
import { Heatmap } from './Heatmap';
import { A, ErrorNote, fmt, Loading, useLoad } from './ui';

/** The period presets; "custom" reads from/to from the URL. */
export const PERIODS = [['24h', 'Last 24 hours'], ['7d', '7 days'], ['30d', '30 days'], ['90d', '90 days'], ['12m', '12 months'], ['all', 'All time'], ['custom', 'Custom']] as const;
const DAYS: Record<string, number> = { '24h': 2, '7d': 7, '30d': 30, '90d': 90, '12m': 365, all: 3650 };
export const FILTERS = ['country', 'device', 'browser', 'os', 'referrer'] as const;
type Filter = (typeof FILTERS)[number];

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** What the range API is asked: the rolling 24 hours, or UTC days from/to. */
export type RangeQuery = { last: '24h' } | { from: string; to: string };

/**
 * The range a URL asks for: the rolling last 24 hours, a preset of days ending today (UTC), or
 * custom from/to (from/to are always set, as the days a switch to "custom" starts from).
 */
export function rangeOf(params: URLSearchParams): { period: string; from: string; to: string; query: RangeQuery } {
  const days = rangeDays(params);
  return { ...days, query: days.period === '24h' ? { last: '24h' } : { from: days.from, to: days.to } };
}

function rangeDays(params: URLSearchParams): { period: string; from: string; to: string } {
  const period = params.get('period') ?? '30d';
  const today = isoDay(Date.now());
  if (period === 'custom') {
    const from = params.get('from') ?? today;
    const to = params.get('to') ?? today;
    return { period, from: from <= to ? from : to, to: from <= to ? to : from };
  }
  const days = DAYS[period] ?? 30;
  return { period: DAYS[period] ? period : '30d', from: isoDay(Date.now() - (days - 1) * 86_400_000), to: today };
}

export function PeriodPicker() {
  const { params } = useLocation();
  const range = rangeOf(params);
  return (
    <div class="period" role="group" aria-label="Period">
      <label class="inline">
        <span class="sr-only">Period</span>
        <select value={range.period} onChange={(e) => {
          const value = e.currentTarget.value;
          setParams(value === 'custom' ? { period: 'custom', from: range.from, to: range.to } : { period: value, from: null, to: null });
        }}>
          {PERIODS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
      </label>
      {range.period === 'custom' ? (
        <>
          <label class="inline">From <input type="date" value={range.from} max={range.to} onChange={(e) => setParams({ from: e.currentTarget.value })} /></label>
          <label class="inline">To <input type="date" value={range.to} min={range.from} onChange={(e) => setParams({ to: e.currentTarget.value })} /></label>
        </>
      ) : null}
    </div>
  );
}

/** The period in words, for the chart's accessible name. */
export function periodText(period: string, r: { from: string; to: string; previous_from: string; previous_to: string }): string {
  return period === '24h' ? 'the last 24 hours, against the 24 before' : `${r.from} to ${r.to}, against ${r.previous_from} to ${r.previous_to}`;
}

function change(now: number, before: number): { text: string; tone: string } {
  if (before === 0) return now === 0 ? { text: 'no change', tone: 'flat' } : { text: 'new', tone: 'up' };
  const pct = ((now - before) / before) * 100;
  const rounded = Math.round(pct * 10) / 10;
  return { text: `${rounded > 0 ? '+' : ''}${rounded}% vs previous`, tone: rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat' };
}

function Stat({ label, now, before }: { label: string; now: number; before: number }) {
  const c = change(now, before);
  return (
    <div class="card stat">
      <h2>{label}</h2>
      <p class="big">{fmt(now)}</p>
      <p class={`delta ${c.tone}`}>{c.text}<span class="sr-only"> (previous period: {fmt(before)})</span></p>
    </div>
  );
}

function bucketSeconds(bucket: string): number {
  return Date.parse(bucket.length === 13 ? `${bucket}:00:00Z` : `${bucket}T00:00:00Z`) / 1000;
}

/** Active filters as removable chips. */
function FilterChips({ linkId }: { linkId?: number }) {
  const { params } = useLocation();
  const active = FILTERS.filter((f) => params.get(f));
  const link = linkId === undefined ? params.get('link_id') : null;
  if (active.length === 0 && !link) return null;
  return (
    <div class="chips" aria-label="Active filters">
      {link ? <button type="button" class="chip" onClick={() => setParams({ link_id: null })}>Link #{link} <span aria-hidden="true">×</span><span class="sr-only">remove filter</span></button> : null}
      {active.map((f) => (
        <button type="button" class="chip" key={f} onClick={() => setParams({ [f]: null })}>{f}: {params.get(f)} <span aria-hidden="true">×</span><span class="sr-only">remove filter</span></button>
      ))}
    </div>
  );
}

/**
 * The analytics widgets of the overview and of one link: totals against the previous period, the
 * series with the previous period beside it, top links, breakdowns and the heatmap. Filters live
 * in the URL; clicking a row adds one.
 */
export function AnalyticsPanel({ linkId, collectionId }: { linkId?: number; collectionId?: number }) {
  const { params } = useLocation();
  const range = rangeOf(params);
  const urlLink = params.get('link_id');
  const link = linkId ?? (urlLink && /^\d+$/.test(urlLink) ? Number(urlLink) : undefined);
  const filters: Partial<Record<Filter, string>> = {};
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) filters[f] = v;
  }
  const key = JSON.stringify([range.query, link, collectionId, filters]);
  const { data, error, loading } = useLoad(
    () => ok(api.GET('/api/v1/analytics/range', { params: { query: { ...range.query, ...(link ? { link_id: String(link) } : {}), ...(collectionId ? { collection_id: String(collectionId) } : {}), ...filters } } })),
    [key],
  );
  if (!data) return error ? <ErrorNote error={error} /> : <Loading what="analytics" />;
  const x = data.series.map((s) => bucketSeconds(s.bucket));
  const hourly = data.range.granularity === 'hour';
  return (
    <div class="analytics" aria-busy={loading}>
      <ErrorNote error={error} />
      <FilterChips linkId={linkId} />
      <div class="stats">
        <Stat label="Clicks" now={data.totals.clicks} before={data.previous_totals.clicks} />
        <Stat label="Unique visitors" now={data.totals.unique_visitors} before={data.previous_totals.unique_visitors} />
        <Stat label="Conversions" now={data.totals.conversions} before={data.previous_totals.conversions} />
        {linkId === undefined ? <Stat label="Installs" now={data.totals.installs} before={data.previous_totals.installs} /> : null}
      </div>
      <p class="muted">{data.totals.bot_clicks === 0 ? 'No bot clicks in this period.' : `${fmt(data.totals.bot_clicks)} bot click${data.totals.bot_clicks === 1 ? '' : 's'} left out of these figures (${fmt(data.previous_totals.bot_clicks)} in the previous period).`}</p>
      <div class="card">
        <SeriesChart label={`Clicks per ${hourly ? 'hour' : 'day'}, ${periodText(range.period, data.range)}`}
          x={x} current={data.series.map((s) => s.clicks)} previous={data.series.map((s) => s.previous_clicks)} hourly={hourly} />
      </div>
      <div class="grid">
        {linkId === undefined ? (
          <div class="card breakdown">
            <h2>Top links</h2>
            {data.top_links.length === 0 ? <p class="muted">No clicks in this period. <A href="/app/links/new">Create a link</A> and share it.</p> : (
              <ul>
                {data.top_links.slice(0, 8).map((l) => (
                  <li key={l.id}>
                    <button type="button" class="row" aria-pressed={link === l.id} onClick={() => setParams({ link_id: link === l.id ? null : String(l.id) })}>
                      <span class="bar" style={{ width: `${(l.clicks / Math.max(1, data.top_links[0]?.clicks ?? 1)) * 100}%` }} aria-hidden="true" />
                      <span class="name">/{l.short_code}{l.title ? ` · ${l.title}` : ''}</span>
                      <span class="count">{fmt(l.clicks)}<span class="sr-only"> clicks, {link === l.id ? 'remove filter' : 'filter by this'}</span></span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
        <Breakdown title="Countries" rows={data.breakdowns.country} country active={filters.country} onPick={(v) => setParams({ country: v })} total={data.totals.clicks} unknown="No country is known for the clicks in this period." />
        <Breakdown title="Devices" rows={data.breakdowns.device} active={filters.device} onPick={(v) => setParams({ device: v })} total={data.totals.clicks} unknown="No device is known for the clicks in this period." />
        <Breakdown title="Browsers" rows={data.breakdowns.browser} active={filters.browser} onPick={(v) => setParams({ browser: v })} total={data.totals.clicks} unknown="No browser is known for the clicks in this period." />
        <Breakdown title="Operating systems" rows={data.breakdowns.os} active={filters.os} onPick={(v) => setParams({ os: v })} total={data.totals.clicks} unknown="No operating system is known for the clicks in this period." />
        <Breakdown title="Referrers" rows={data.breakdowns.referrer} active={filters.referrer} onPick={(v) => setParams({ referrer: v })} total={data.totals.clicks} unknown="The clicks in this period came with no referrer (typed, bookmarked or from an app)." rest="No referrer, or another" />
      </div>
      <Heatmap cells={data.heatmap} />
    </div>
  );
}
