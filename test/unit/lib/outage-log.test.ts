import assert from 'node:assert/strict';
import { sharedOutageLog, type OutageLogger } from '../../../src/lib/outage-log';

function recorder(): OutageLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (_f, m) => lines.push(`error ${m}`), warn: (_f, m) => lines.push(`warn ${m}`), info: (_f, m) => lines.push(`info ${m}`) };
}

describe('sharedOutageLog: one outage log per process logger and dependency', () => {
  it('logs a dependency failing on every call once, and its recovery once, whichever caller reports it', () => {
    const logger = recorder();
    for (let i = 0; i < 50; i++) sharedOutageLog(logger, 'address limits').failed(new Error('connection refused'));
    sharedOutageLog(logger, 'address limits').succeeded();
    sharedOutageLog(logger, 'address limits').succeeded();
    assert.deepEqual(logger.lines, ['error address limits failing; logged again once a minute while it lasts', 'info address limits working again']);
  });

  it('keeps other dependencies and other loggers apart', () => {
    const one = recorder();
    const other = recorder();
    sharedOutageLog(one, 'a').failed(new Error('x'));
    sharedOutageLog(one, 'b').failed(new Error('x'));
    sharedOutageLog(other, 'a').failed(new Error('x'));
    assert.equal(one.lines.length, 2);
    assert.equal(other.lines.length, 1);
  });
});
