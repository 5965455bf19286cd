import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

export interface LoadResult {
  tool: string;
  requests: number;
  non3xx: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

// wrk prints a latency in the unit that suits it, up to minutes and hours for a stalled server.
const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(value.trim());
  return match ? Number(match[1]) * (MS_PER_UNIT[match[2] as string] as number) : Number.NaN;
}

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** A real browser's user agent, so the clicks count (an empty agent is a bot). */
export const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/**
 * Drives GET url with wrk (preferred: it costs the server's core least) or autocannon, as fast
 * as it answers, or at `rate` requests per second in all (autocannon): a server's CPU per
 * request depends on the rate it is driven at, so two servers compare fairly at the same one.
 */
export function load(url: string, connections: number, seconds: number, rate?: number): LoadResult {
  if (hasWrk() && rate === undefined) {
    const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', `User-Agent: ${BROWSER_UA}`, url], { encoding: 'utf8' });
    const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
    const non3xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return {
      tool: 'wrk',
      requests,
      non3xx,
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
      p50ms: toMs(/^\s*50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
      p99ms: toMs(/^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    };
  }
  return autocannonResult(execFileSync(process.execPath, autocannonArgs(url, connections, seconds, rate), { encoding: 'utf8' }));
}

/**
 * As `load` at a fixed rate, without blocking: several servers can be loaded at the same time,
 * so that whatever else the machine runs slows them alike (web-cpu's paired rounds).
 */
export async function loadAtRate(url: string, connections: number, seconds: number, rate: number): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(process.execPath, autocannonArgs(url, connections, seconds, rate), { encoding: 'utf8' });
  return autocannonResult(stdout);
}

function autocannonArgs(url: string, connections: number, seconds: number, rate: number | undefined): string[] {
  return [require.resolve('autocannon/autocannon.js'), '-j', '-H', `User-Agent=${BROWSER_UA}`, '-c', String(connections), '-d', String(seconds), ...(rate !== undefined ? ['-R', String(Math.round(rate))] : []), url];
}

function autocannonResult(out: string): LoadResult {
  const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number };
  return { tool: 'autocannon', requests: r.requests.total, non3xx: 0, rps: r.requests.average, p50ms: r.latency.p50, p99ms: r.latency.p99 };
}
