import { html, type Html } from './html';

/**
 * Daily installs as an inline SVG bar chart (no script, no library), with a text summary and a
 * table-free description for screen readers: the figure's caption says the total and the peak.
 */
export function installChart(days: ReadonlyArray<{ day: string; installs: number }>): Html {
  const width = 600;
  const height = 140;
  const bottom = 20;
  const peak = Math.max(1, ...days.map((d) => d.installs));
  const total = days.reduce((sum, d) => sum + d.installs, 0);
  const step = width / Math.max(days.length, 1);
  const bars = days.map((d, i) => {
    const h = Math.round(((height - bottom - 4) * d.installs) / peak);
    return html`<rect class="bar" x="${(i * step + 1).toFixed(1)}" y="${height - bottom - h}" width="${Math.max(step - 2, 1).toFixed(1)}" height="${h}"><title>${d.day}: ${d.installs}</title></rect>`;
  });
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  const summary = `${total} installs in the last ${days.length} days, at most ${days.length ? Math.max(...days.map((d) => d.installs)) : 0} in a day`;
  return html`<figure class="chart" style="margin:0"><figcaption class="muted">${summary}</figcaption>
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${summary}">${bars}<text class="axis" x="0" y="${height - 4}">${first}</text><text class="axis" x="${width}" y="${height - 4}" text-anchor="end">${last}</text></svg></figure>`;
}
