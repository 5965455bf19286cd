import { fmt } from './ui';

export interface BreakdownRow {
  key: string;
  clicks: number;
}

/** Regional indicator symbols: "US" → 🇺🇸. */
export function flag(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return '';
  return String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

let regionNames: Intl.DisplayNames | undefined;
export function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/**
 * A ranked list with bars; every row is a button that filters the page by its value
 * (aria-pressed shows the active filter).
 */
export function Breakdown({ title, rows, active, onPick, country, limit = 8 }: {
  title: string; rows: BreakdownRow[]; active?: string | null; onPick?: (key: string | null) => void; country?: boolean; limit?: number;
}) {
  const shown = rows.slice(0, limit);
  const max = Math.max(1, ...shown.map((r) => r.clicks));
  return (
    <div class="card breakdown">
      <h2>{title}</h2>
      {shown.length === 0 ? <p class="muted">No clicks in this period.</p> : (
        <ul>
          {shown.map((r) => {
            const pressed = active === r.key;
            return (
              <li key={r.key}>
                <button type="button" class="row" aria-pressed={onPick ? pressed : undefined} disabled={!onPick} onClick={() => onPick?.(pressed ? null : r.key)}>
                  <span class="bar" style={{ width: `${(r.clicks / max) * 100}%` }} aria-hidden="true" />
                  <span class="name">{country ? <><span aria-hidden="true">{flag(r.key)} </span>{countryName(r.key)}</> : r.key}</span>
                  <span class="count">{fmt(r.clicks)}<span class="sr-only"> clicks{onPick ? (pressed ? ', remove filter' : ', filter by this') : ''}</span></span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
