import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';

/**
 * What a git-upload-pack POST asks for, read from its pkt-lines as they stream past on their way
 * upstream (the proxy never holds the body):
 * - 'pack': the request ends negotiation with `done` (protocol v0/v1, or v2 `command=fetch`), so
 *   the answer is a pack — a clone, or a fetch that downloads objects;
 * - 'negotiation': a round of `have`s without `done`. In v0 its answer is ACKs only; in v2 the
 *   server may answer `ready` and send the pack at once (see PackAnswerReader);
 * - 'ls-refs': protocol v2 ref discovery;
 * - 'other': another v2 command (object-info, …);
 * - 'unknown': not pkt-lines, cut short, or longer than is worth reading.
 */
export type UploadPackKind = 'pack' | 'negotiation' | 'ls-refs' | 'other' | 'unknown';

/** A request body (decompressed) larger than this is not read further; it is not a clone's. */
const MAX_INSPECTED_BYTES = 8 * 1024 * 1024;
/** The head of an answer (its acknowledgments section) is read at most this far. */
const MAX_ANSWER_HEAD_BYTES = 1024 * 1024;

/** A pkt-line as the splitter hands it on: a payload (trailing LF dropped), or a section marker. */
export type PktLine = string | 'flush' | 'delim' | 'response-end';
const MARKERS: PktLine[] = ['flush', 'delim', 'response-end'];

/**
 * Splits a byte stream into pkt-lines incrementally, holding at most one partial line. `onLine`
 * returns true to stop: later bytes are ignored. Returns false once the stream is not pkt-lines.
 */
export class PktLineSplitter {
  private carry = Buffer.alloc(0);
  stopped = false;
  broken = false;

  constructor(private readonly onLine: (line: PktLine) => boolean) {}

  get partial(): boolean {
    return this.carry.length > 0;
  }

  feed(chunk: Buffer): void {
    if (this.stopped || this.broken) return;
    let buffer = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    while (buffer.length >= 4) {
      const head = buffer.toString('latin1', 0, 4);
      const length = Number.parseInt(head, 16);
      if (!/^[0-9a-f]{4}$/i.test(head) || length === 3) {
        this.broken = true;
        return;
      }
      let line: PktLine;
      if (length < 4) {
        line = MARKERS[length] as PktLine;
        buffer = buffer.subarray(4);
      } else {
        if (buffer.length < length) break;
        line = buffer.toString('latin1', 4, length).replace(/\n$/, '');
        buffer = buffer.subarray(length);
      }
      if (this.onLine(line)) {
        this.stopped = true;
        return;
      }
    }
    this.carry = Buffer.from(buffer);
  }
}

/** Incremental reader of a request body: feed bytes, learn the kind as soon as it is certain. */
export class UploadPackReader {
  private seen = 0;
  private first = true;
  private fetchCommand = false;
  private v0Lines = false;
  private readonly lines = new PktLineSplitter((line) => {
    const decided = this.line(line);
    if (decided) this.verdict = decided;
    return decided !== undefined;
  });
  verdict: UploadPackKind | undefined;

  /** Returns the verdict once it is decided (further bytes are then ignored). */
  feed(chunk: Buffer): UploadPackKind | undefined {
    if (this.verdict) return this.verdict;
    this.seen += chunk.length;
    if (this.seen > MAX_INSPECTED_BYTES) return (this.verdict = 'unknown');
    this.lines.feed(chunk);
    if (this.lines.broken) this.verdict = 'unknown';
    return this.verdict;
  }

  /** The body ended: what it was, if no line decided it. */
  end(): UploadPackKind {
    if (this.verdict) return this.verdict;
    this.verdict = !this.lines.partial && (this.fetchCommand || this.v0Lines) ? 'negotiation' : 'unknown';
    return this.verdict;
  }

  private line(line: PktLine): UploadPackKind | undefined {
    if (line === 'flush' || line === 'delim' || line === 'response-end') return undefined;
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
 * Reads the head of a protocol v2 fetch answer: does a `packfile` section follow the
 * `acknowledgments`? (The server answers a negotiation round it is `ready` on with the pack
 * at once.) Decides at the `packfile` header, at the flush that ends an answer without one, or
 * at the first line of an answer that is not v2's; never reads into the pack itself.
 */
export class PackAnswerReader {
  private seen = 0;
  private first = true;
  hasPack = false;
  private readonly lines = new PktLineSplitter((line) => {
    if (this.first) {
      this.first = false;
      if (line !== 'acknowledgments') return true;
      return false;
    }
    if (line === 'packfile') this.hasPack = true;
    return line === 'packfile' || line === 'flush' || line === 'response-end';
  });

  private abandoned = false;

  get done(): boolean {
    return this.abandoned || this.lines.stopped || this.lines.broken || this.seen > MAX_ANSWER_HEAD_BYTES;
  }

  /** Stops reading (a compressed answer cannot be read in passing). */
  abandon(): void {
    this.abandoned = true;
  }

  feed(chunk: Buffer): void {
    if (this.done) return;
    this.seen += chunk.length;
    this.lines.feed(chunk);
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
