import { Agent, request } from 'node:http';

/** A real browser's user agent, so every click counts (bots are stored but never counted). */
const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

export interface LoadCounts {
  /** 302s received, by short code: the clicks the service promised to count. */
  answered: Map<string, number>;
  other: number;
  errors: number;
}

/**
 * A steady stream of redirects to 127.0.0.1, bounded in rate and time: `concurrency` loops,
 * each sending one GET at a time, paced to `perSecond` in all. Every 302 is tallied by code;
 * errors (the web process is down) and other answers are counted and the stream goes on.
 */
export class ClickLoad {
  readonly counts: LoadCounts = { answered: new Map(), other: 0, errors: 0 };
  private running = true;
  private readonly loops: Array<Promise<void>>;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private next = 0;

  constructor(
    private readonly port: () => number,
    private readonly codes: readonly string[],
    perSecond: number,
    readonly concurrency = 4,
  ) {
    const intervalMs = (1000 * concurrency) / perSecond;
    this.loops = Array.from({ length: concurrency }, () => this.loop(intervalMs));
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.answered.values()) n += v;
    return n;
  }

  async stop(): Promise<LoadCounts> {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
    return this.counts;
  }

  private async loop(intervalMs: number): Promise<void> {
    while (this.running) {
      const started = Date.now();
      const code = this.codes[this.next++ % this.codes.length] as string;
      const status = await this.get(code);
      if (status === 302) this.counts.answered.set(code, (this.counts.answered.get(code) ?? 0) + 1);
      else if (status === 0) this.counts.errors++;
      else this.counts.other++;
      const wait = intervalMs - (Date.now() - started);
      await new Promise((r) => setTimeout(r, status === 0 ? Math.max(wait, 50) : Math.max(wait, 0)));
    }
  }

  private get(code: string): Promise<number> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: this.port(), path: `/${code}`, agent: this.agent, headers: { 'user-agent': BROWSER_UA }, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
      req.end();
    });
  }
}
