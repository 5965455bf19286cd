import { fmt } from './ui';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Clicks per UTC weekday × hour as a table (readable by screen readers), shaded by count. */
export function Heatmap({ cells }: { cells: number[][] }) {
  const max = Math.max(1, ...cells.flat());
  return (
    <div class="card heatmap">
      <h2>When people click (UTC)</h2>
      <div class="scroll" tabIndex={0}>
        <table>
          <caption class="sr-only">Clicks by weekday and hour, UTC</caption>
          <thead>
            <tr><th scope="col"><span class="sr-only">Day</span></th>{Array.from({ length: 24 }, (_, h) => <th scope="col" key={h}>{h % 3 === 0 ? h : <span class="sr-only">{h}</span>}</th>)}</tr>
          </thead>
          <tbody>
            {DAYS.map((day, d) => (
              <tr key={day}>
                <th scope="row">{day}</th>
                {Array.from({ length: 24 }, (_, h) => {
                  const n = cells[d]?.[h] ?? 0;
                  return <td key={h} title={`${day} ${h}:00 — ${fmt(n)} clicks`} style={{ background: n === 0 ? undefined : `rgba(47,91,234,${0.12 + 0.88 * (n / max)})` }}><span class="sr-only">{fmt(n)}</span></td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
