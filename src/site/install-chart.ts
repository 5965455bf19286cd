import { html, type Html } from './html';

/**
 * Daily installs as an inline SVG bar chart (no script, no library), with a text summary and a
 * table-free description for screen readers: the figure's caption says the total and the peak.
 * The dates under it are HTML, not SVG text: the SVG scales with its column, and text inside
 * it shrank to about 5 px in the package page's sidebar.
 */
export function installChart(days: ReadonlyArray<{ day: string; installs: number }>): Html {
  const width = 600;
  const height = 120;
  const bottom = 0;
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
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${summary}">${bars}</svg><div class="axis" aria-hidden="true"><span>${first}</span><span>${last}</span></div></figure>`;
}
