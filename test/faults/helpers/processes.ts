import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/**
 * One Linktally entry point (src/bin/web.ts or worker.ts) as its own OS process, run from the
 * TypeScript source by tsx (no build step to go stale), its JSON log lines appended to a file the
 * test can read. `kill` sends a real signal; `start` runs a fresh process with the same settings.
 */
export class LinktallyProcess {
  private child: ChildProcess | undefined;
  readonly logFile: string;

  constructor(
    readonly name: 'web' | 'worker',
    private readonly env: Record<string, string>,
    logDir: string,
  ) {
    this.logFile = join(logDir, `${name}.log`);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, `src/bin/${this.name}.ts`)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => setTimeout(() => log.end(), 100));
    this.child = child;
  }

  /** Sends the signal and waits for the process to be gone. */
  async kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Log lines written so far (JSON lines from pino, anything else as it came). */
  lines(): string[] {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }
}
