import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { isReadyMessage, type ReadyMessage } from '../../src/bin/lifecycle';

const BIN = join(__dirname, '../../src/bin');

/** The first message from `child` that `guard` accepts. */
export function firstMessage<M>(child: ChildProcess, guard: (message: unknown) => message is M): Promise<M> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (!guard(message)) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

/** A Linktally entry point (src/bin/NAME.ts) run as its own OS process under tsx, as a dyno runs it. */
export interface AppProcess {
  child: ChildProcess;
  /** The first ready message it sends (src/bin/lifecycle.ts reportReady). */
  ready: Promise<ReadyMessage>;
  output(): string;
  /** SIGTERM, then the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

export function runProcess(name: 'web' | 'worker' | 'start', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(BIN, `${name}.ts`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<ReadyMessage>((resolve, reject) => {
    // A web process also reports its load (bin/lifecycle.ts reportWebLoad), possibly first.
    void firstMessage(child, isReadyMessage).then(resolve);
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`)));
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
