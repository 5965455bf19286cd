import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICK_US = 1_000_000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in µs: this process and its reaped children. */
  cpuUs: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { pid, ppid: Number(fields[1]), cpuUs: ticks * TICK_US };
  } catch {
    return undefined; // exited meanwhile
  }
}

/**
 * CPU time (user + system) of a process and every descendant, in µs, from /proc. A child that
 * exited and was reaped is in its parent's cutime/cstime, so summing all four fields over the
 * live tree counts every process once — PostgreSQL backends that come and go included.
 */
export function treeCpuUs(rootPid: number): number {
  const stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readStat(Number(d))).filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let total = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      total += child.cpuUs;
      walk(child.pid);
    }
  };
  total += stats.find((s) => s.pid === rootPid)?.cpuUs ?? 0;
  walk(rootPid);
  return total;
}

/** The direct children of a process whose command line contains `match`. */
export function childMatching(parentPid: number, match: string): number | undefined {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    const stat = readStat(Number(d));
    if (stat?.ppid !== parentPid) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(match)) return stat.pid;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}
