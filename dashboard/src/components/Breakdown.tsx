import { Country } from './Country';
import { fmt } from './ui';

export interface BreakdownRow {
  key: string;
  clicks: number;
}

/**
 * A ranked list with bars; every row is a button that filters the page by its value
 * (aria-pressed shows the active filter). With `total` and `unknown`, a list left empty by
 * clicks whose value is not known says so, rather than that there were no clicks; with `total`,
 * the clicks the rows shown leave out (a value not known, or one past the top) close the list
 * as one row, `rest`, so the bars add up to the total.
 */
export function Breakdown({ title, rows, active, onPick, country, limit = 8, unit = 'clicks', total = 0, unknown, rest = 'Other or not known' }: {
  title: string; rows: BreakdownRow[]; active?: string | null; onPick?: (key: string | null) => void; country?: boolean; limit?: number; unit?: string; total?: number; unknown?: string; rest?: string;
}) {
  const shown = rows.slice(0, limit);
  const restClicks = total - shown.reduce((sum, r) => sum + r.clicks, 0);
  const max = Math.max(1, ...shown.map((r) => r.clicks), restClicks);
  return (
    <div class="card breakdown">
      <h2>{title}</h2>
      {shown.length === 0 ? <p class="muted">{total > 0 && unknown ? unknown : `No ${unit} in this period.`}</p> : (
        <ul>
          {shown.map((r) => {
            const pressed = active === r.key;
            return (
              <li key={r.key}>
                <button type="button" class="row" aria-pressed={onPick ? pressed : undefined} disabled={!onPick} onClick={() => onPick?.(pressed ? null : r.key)}>
                  <span class="bar" style={{ width: `${(r.clicks / max) * 100}%` }} aria-hidden="true" />
                  <span class="name">{country ? <Country code={r.key} /> : r.key}</span>
                  <span class="count">{fmt(r.clicks)}<span class="sr-only"> {unit}{onPick ? (pressed ? ', remove filter' : ', filter by this') : ''}</span></span>
                </button>
              </li>
            );
          })}
          {restClicks > 0 ? (
            <li>
              {/* Not a filter: the clicks it counts have no one value to filter by. */}
              <div class="row rest">
                <span class="bar" style={{ width: `${(restClicks / max) * 100}%` }} aria-hidden="true" />
                <span class="name">{rest}</span>
                <span class="count">{fmt(restClicks)}<span class="sr-only"> {unit}</span></span>
              </div>
            </li>
          ) : null}
        </ul>
      )}
    </div>
  );
}
