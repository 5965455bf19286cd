import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';

/**
 * What a git-upload-pack POST asks for, read from its pkt-lines as they stream past on their way
 * upstream (the proxy never holds the body):
 * - 'pack': the request ends negotiation with `done` (protocol v0/v1, or v2 `command=fetch`), so
 *   the answer is a pack — a clone, or a fetch that downloads objects;
 * - 'negotiation': a round of `have`s without `done` (the answer is ACKs, no pack);
 * - 'ls-refs': protocol v2 ref discovery;
 * - 'other': another v2 command (object-info, …);
 * - 'unknown': not pkt-lines, cut short, or longer than is worth reading.
 */
export type UploadPackKind = 'pack' | 'negotiation' | 'ls-refs' | 'other' | 'unknown';

/** A request body (decompressed) larger than this is not read further; it is not a clone's. */
const MAX_INSPECTED_BYTES = 8 * 1024 * 1024;

/** Incremental pkt-line reader: feed bytes, learn the kind as soon as it is certain. */
export class UploadPackReader {
  private carry = Buffer.alloc(0);
  private seen = 0;
  private first = true;
  private fetchCommand = false;
  private v0Lines = false;
  verdict: UploadPackKind | undefined;

  /** Returns the verdict once it is decided (further bytes are then ignored). */
  feed(chunk: Buffer): UploadPackKind | undefined {
    if (this.verdict) return this.verdict;
    this.seen += chunk.length;
    if (this.seen > MAX_INSPECTED_BYTES) return (this.verdict = 'unknown');
    let buffer = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    while (buffer.length >= 4) {
      const length = Number.parseInt(buffer.toString('latin1', 0, 4), 16);
      if (!/^[0-9a-f]{4}$/i.test(buffer.toString('latin1', 0, 4))) return (this.verdict = 'unknown');
      if (length < 4) {
        // 0000 flush, 0001 delim, 0002 response-end: section markers, no payload.
        if (length === 3) return (this.verdict = 'unknown');
        buffer = buffer.subarray(4);
        continue;
      }
      if (buffer.length < length) break;
      const line = buffer.toString('latin1', 4, length).replace(/\n$/, '');
      buffer = buffer.subarray(length);
      const decided = this.line(line);
      if (decided) return (this.verdict = decided);
    }
    this.carry = Buffer.from(buffer);
    return undefined;
  }

  /** The body ended: what it was, if no line decided it. */
  end(): UploadPackKind {
    if (this.verdict) return this.verdict;
    this.verdict = this.carry.length === 0 && (this.fetchCommand || this.v0Lines) ? 'negotiation' : 'unknown';
    return this.verdict;
  }

  private line(line: string): UploadPackKind | undefined {
    if (this.first) {
      this.first = false;
      if (line.startsWith('command=')) {
        const command = line.slice('command='.length);
        if (command === 'ls-refs') return 'ls-refs';
        if (command !== 'fetch') return 'other';
        this.fetchCommand = true;
        return undefined;
      }
      if (!line.startsWith('want ')) return 'unknown';
      this.v0Lines = true;
    }
    return line === 'done' ? 'pack' : undefined;
  }
}

/**
 * Reads the body of `req` beside whatever else consumes it (it only listens to 'data'), through
 * a streaming gunzip when git compressed it. Resolves with the kind when decided or when the
 * body ends; never rejects.
 */
export function inspectUploadPack(req: Readable, contentEncoding: string | undefined): Promise<UploadPackKind> {
  return new Promise((resolve) => {
    const reader = new UploadPackReader();
    let gunzip: Gunzip | undefined;
    let finished = false;
    let ended = false;
    const finish = (kind: UploadPackKind) => {
      if (finished) return;
      finished = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      gunzip?.destroy();
      resolve(kind);
    };
    const read = (bytes: Buffer) => {
      const verdict = reader.feed(bytes);
      if (verdict) finish(verdict);
    };
    const encoding = (contentEncoding ?? '').trim().toLowerCase();
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      gunzip = createGunzip();
      gunzip.on('data', read);
      gunzip.on('end', () => finish(reader.end()));
      gunzip.on('error', () => finish('unknown'));
    } else if (encoding !== '' && encoding !== 'identity') {
      finish('unknown');
      return;
    }
    const onData = (chunk: Buffer) => {
      if (gunzip) gunzip.write(chunk);
      else read(chunk);
    };
    const onEnd = () => {
      ended = true;
      if (gunzip) gunzip.end();
      else finish(reader.end());
    };
    // A body cut short never ends: what was read so far does not make a pack request.
    const onClose = () => {
      if (!ended) finish(reader.verdict ?? 'unknown');
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}
