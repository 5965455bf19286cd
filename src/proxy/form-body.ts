import type { IncomingMessage } from 'node:http';

export class FormBodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

/**
 * Reads a small application/x-www-form-urlencoded body outside Express. Anything else, or
 * anything larger than `limit` bytes, is refused without buffering it.
 */
export function readFormBody(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return Promise.reject(new FormBodyError(415, 'Send the form as application/x-www-form-urlencoded.'));
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new FormBodyError(413, 'The form is too large.'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (err: FormBodyError) => {
      if (done) return;
      done = true;
      req.removeAllListeners('data');
      req.resume();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new FormBodyError(413, 'The form is too large.'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', () => fail(new FormBodyError(400, 'The form could not be read.')));
  });
}
