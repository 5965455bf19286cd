import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesChartProps {
  label: string;
  /** Unix seconds of each bucket. */
  x: number[];
  current: number[];
  /** The previous period, bucket for bucket; omitted for single-series charts. */
  previous?: number[];
  currentName?: string;
  previousName?: string;
  hourly?: boolean;
}

/**
 * A time series drawn by uPlot (a canvas: small and fast with thousands of points). Once drawn,
 * the figure carries data-drawn, which the benchmark and the browser tests wait for.
 */
export function SeriesChart({ label, x, current, previous, currentName = 'This period', previousName = 'Previous period', hourly }: SeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    figure.current?.removeAttribute('data-drawn');
    const series: uPlot.Series[] = [
      {},
      { label: currentName, stroke: '#2f5bea', width: 2, fill: 'rgba(47,91,234,0.08)' },
    ];
    const data: uPlot.AlignedData = previous ? [x, current, previous] : [x, current];
    if (previous) series.push({ label: previousName, stroke: '#8a8f98', width: 1.5, dash: [6, 4] });
    const plot = new uPlot({
      width: Math.max(280, el.clientWidth),
      height: 240,
      series,
      scales: { x: { time: true } },
      axes: [{ stroke: '#6b7280', grid: { stroke: 'rgba(128,128,128,0.12)' }, values: hourly ? undefined : (_u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })) },
        { stroke: '#6b7280', grid: { stroke: 'rgba(128,128,128,0.12)' } }],
      legend: { live: true },
      hooks: { draw: [() => {
        // The benchmark reads this mark: navigation start to the first chart drawn.
        if (performance.getEntriesByName('chart-drawn').length === 0) performance.mark('chart-drawn');
        figure.current?.setAttribute('data-drawn', 'true');
      }] },
    }, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, current, previous, hourly, currentName, previousName]);
  const total = current.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart" ref={figure} aria-label={label}>
      <figcaption>{label}</figcaption>
      <div ref={box} role="img" aria-label={`${label}: ${total.toLocaleString('en-US')} in all`} />
    </figure>
  );
}
