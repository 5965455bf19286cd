import { randomFillSync } from 'node:crypto';

/**
 * Ids for the events the edge records (clicks, installs), and for requests that bring none
 * (request-context.ts): UUIDs version 7 (RFC 9562), whose
 * first 48 bits are the Unix time in milliseconds and the rest random. Each event table keeps
 * a unique index on its event id to store a redelivered event once; random (version 4) ids land
 * on a random page of that index for every row, time-ordered ones on the few pages at its end,
 * which measured about half as costly to insert (BENCHMARKS.md, "PostgreSQL's share").
 */

// Minted once per click on the redirect's hot path, so the id is written as ASCII into one
// reused buffer and read out as one string (node's randomUUID does the same; a template of
// sixteen hex pieces cost seven times as much).
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const text = Buffer.alloc(36, '-'.charCodeAt(0));
text[14] = '7'.charCodeAt(0); // the version
// Random bytes drawn a pool at a time: one getrandom call per 512 ids.
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(512 * RANDOM_BYTES);
let offset = pool.length;
let stampedMs = -1;

/** Where the hex pairs of the random bytes 1–9 go (8-4-4-4-12 layout); byte 0 gives one digit, after the version. */
const PAIRS_AT = [16, 19, 21, 24, 26, 28, 30, 32, 34];

export function timeOrderedId(nowMs: number = Date.now()): string {
  const ms = Math.floor(nowMs);
  if (ms !== stampedMs) {
    // 48 bits of milliseconds: 12 hex digits (a double holds them exactly until the year 10889).
    const time = ms.toString(16).padStart(12, '0');
    for (let i = 0; i < 12; i++) text[i < 8 ? i : i + 1] = time.charCodeAt(i);
    stampedMs = ms;
  }
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  // The variant: the two high bits of the byte after the third dash are 10.
  pool[offset + 2] = ((pool[offset + 2] as number) & 0x3f) | 0x80;
  text[15] = HEX[(pool[offset] as number) & 0x0f] as number;
  for (let i = 0; i < PAIRS_AT.length; i++) {
    const byte = pool[offset + 1 + i] as number;
    const at = PAIRS_AT[i] as number;
    text[at] = HEX[byte >> 4] as number;
    text[at + 1] = HEX[byte & 0x0f] as number;
  }
  offset += RANDOM_BYTES;
  return text.toString('latin1', 0, 36);
}
