import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { acceptRequestId, currentRequestId, outsideRequest, withRequestId } from '../../src/lib/request-context';
import { createLogger } from '../../src/logger';

describe('Request ids', () => {
  it('keeps the id through awaits and timers of the request, and not outside it', async () => {
    await withRequestId('req-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      assert.equal(currentRequestId(), 'req-1');
      assert.equal(outsideRequest(() => currentRequestId()), undefined);
    });
    assert.equal(currentRequestId(), undefined);
  });

  it('accepts only well-formed ids', () => {
    assert.equal(acceptRequestId('abc-123'), 'abc-123');
    assert.notEqual(acceptRequestId('a b'), 'a b');
    assert.notEqual(acceptRequestId(['x', 'y']), 'x');
  });

  it('writes the request id on every log line of the request', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const captured = createLogger('info', 'test', 'json', sink).child({ category: 'http' });
    withRequestId('req-9', () => captured.info('inside'));
    captured.info('outside');
    assert.equal(JSON.parse(lines[0]!).request_id, 'req-9');
    assert.equal(JSON.parse(lines[1]!).request_id, undefined);
  });
});
