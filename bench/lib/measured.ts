/**
 * Child-process entry for benchmarks: runs a real entry point (src/bin/web.ts or worker.ts)
 * and samples its own memory every 10 ms, answering {type:'peaks'} over IPC with the peak RSS
 * and heap since the last reset, so a benchmark can measure each process separately, phase by
 * phase. Benchmarks only: production runs the entry points directly.
 */
const peaks = { rss: 0, heapUsed: 0 };

function sample(): void {
  const m = process.memoryUsage();
  peaks.rss = Math.max(peaks.rss, m.rss);
  peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed);
}

setInterval(sample, 10).unref();

process.on('message', (message: { type?: string }) => {
  if (message.type === 'peaks') {
    sample();
    process.send?.({ type: 'peaks', ...peaks });
  } else if (message.type === 'reset') {
    // Collect first when exposed, so a phase starts from live memory, not the last phase's garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    peaks.rss = m.rss;
    peaks.heapUsed = m.heapUsed;
    process.send?.({ type: 'reset' });
  }
});

const entry = process.argv[2];
if (entry !== 'web' && entry !== 'worker') throw new Error('usage: measured.ts web|worker');
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(entry === 'web' ? '../../src/bin/web' : '../../src/bin/worker');
