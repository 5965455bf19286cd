import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { inspectUploadPack, PackAnswerReader, UploadPackReader } from '../../../src/proxy/upload-pack-request';

const pkt = (line: string) => `${(line.length + 5).toString(16).padStart(4, '0')}${line}\n`;
const OID = 'a'.repeat(40);
const V0_CLONE = pkt(`want ${OID} multi_ack_detailed side-band-64k thin-pack ofs-delta agent=git/2.43.0`) + '0000' + pkt('done');
const V0_ROUND = pkt(`want ${OID} multi_ack_detailed`) + '0000' + pkt(`have ${'b'.repeat(40)}`) + '0000';
const V2_FETCH = pkt('command=fetch') + pkt('agent=git/2.43.0') + '0001' + pkt('thin-pack') + pkt(`want ${OID}`) + pkt('done') + '0000';
const V2_ROUND = pkt('command=fetch') + '0001' + pkt(`want ${OID}`) + pkt(`have ${'b'.repeat(40)}`) + '0000';
const V2_LS_REFS = pkt('command=ls-refs') + pkt('agent=git/2.43.0') + '0001' + pkt('peel') + pkt('symrefs') + pkt('ref-prefix HEAD') + '0000';

function kindOf(body: string): string {
  const reader = new UploadPackReader();
  return reader.feed(Buffer.from(body)) ?? reader.end();
}

async function streamed(body: Buffer, encoding?: string, chunk = 7): Promise<string> {
  const req = new PassThrough();
  const kind = inspectUploadPack(req, encoding);
  req.resume();
  for (let i = 0; i < body.length; i += chunk) req.write(body.subarray(i, i + chunk));
  req.end();
  return kind;
}

describe('Upload-pack request inspection', () => {
  it('knows a request ending negotiation with done asks for a pack, in protocol v0 and v2', () => {
    assert.equal(kindOf(V0_CLONE), 'pack');
    assert.equal(kindOf(V2_FETCH), 'pack');
  });

  it('knows a negotiation round without done, and v2 ls-refs, deliver no pack', () => {
    assert.equal(kindOf(V0_ROUND), 'negotiation');
    assert.equal(kindOf(V2_ROUND), 'negotiation');
    assert.equal(kindOf(V2_LS_REFS), 'ls-refs');
    assert.equal(kindOf(pkt('command=object-info') + '0000'), 'other');
  });

  it('calls a body that is not pkt-lines, or is cut mid-line, unknown', () => {
    assert.equal(kindOf('hello world'), 'unknown');
    assert.equal(kindOf(''), 'unknown');
    assert.equal(kindOf(V0_CLONE.slice(0, 30)), 'unknown');
  });

  it('reads pkt-lines split across any chunk boundary, and gzip bodies as a stream', async () => {
    for (const size of [1, 3, 4, 5, 64]) assert.equal(await streamed(Buffer.from(V2_FETCH), undefined, size), 'pack', `chunks of ${size}`);
    assert.equal(await streamed(gzipSync(V0_CLONE), 'gzip'), 'pack');
    assert.equal(await streamed(gzipSync(V0_ROUND), 'gzip', 3), 'negotiation');
    assert.equal(await streamed(Buffer.from('not gzip at all'), 'gzip'), 'unknown');
  });

  it('decides on a long have list without holding it', async () => {
    let body = pkt(`want ${OID}`) + '0000';
    for (let i = 0; i < 20_000; i++) body += pkt(`have ${i.toString(16).padStart(40, '0')}`);
    body += pkt('done');
    assert.equal(await streamed(gzipSync(body), 'gzip', 16_384), 'pack');
  });

  it('calls a body whose client went away before its end unknown', async () => {
    const req = new PassThrough();
    const kind = inspectUploadPack(req, undefined);
    req.resume();
    req.write(V0_ROUND.slice(0, 20));
    req.destroy();
    assert.equal(await kind, 'unknown');
  });

  it('sees a v2 answer that sends the pack after ready, and one that ends with acknowledgments only', () => {
    const head = (body: string, chunk = 5) => {
      const reader = new PackAnswerReader();
      const bytes = Buffer.from(body);
      for (let i = 0; i < bytes.length && !reader.done; i += chunk) reader.feed(bytes.subarray(i, i + chunk));
      return { hasPack: reader.hasPack, done: reader.done };
    };
    const ready = pkt('acknowledgments') + pkt(`ACK ${OID}`) + pkt('ready') + '0001' + pkt('packfile') + '0009\u0001PACK';
    assert.deepEqual(head(ready), { hasPack: true, done: true });
    assert.deepEqual(head(pkt('acknowledgments') + pkt('NAK') + '0000'), { hasPack: false, done: true });
    assert.deepEqual(head(pkt('NAK') + '0009\u0001PACK'), { hasPack: false, done: true }, 'v0: not read further');
  });
});
