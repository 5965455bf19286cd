/**
 * HyperLogLog sketches of visitors (hashed IPs), so unique visitors over a window of days can be
 * counted from one small sketch per user-day instead of scanning raw clicks: sketches merge by
 * taking each register's maximum. 2^14 registers: standard error about 0.8% (linear counting for
 * small sets: exact in practice up to about a hundred). Small days also keep exact id sets.
 *
 * The registers are filled in SQL (rollup-store.ts) from a visitor's hex HMAC: the first 14 bits
 * pick the register, the rank is the position of the first 1 bit among the next 50 (51 if none).
 */

export const HLL_PRECISION = 14;
/** Days with at most this many visitors also keep the exact set of their ids (see visitorIds below). */
export const EXACT_VISITORS_MAX = 2048;
export const HLL_REGISTERS = 1 << HLL_PRECISION;

export function emptySketch(): Buffer {
  return Buffer.alloc(HLL_REGISTERS);
}

/** Raises registers to the given ranks (in place) and returns the sketch. */
export function addRegisters(sketch: Buffer, registers: Array<{ idx: number; rank: number }>): Buffer {
  for (const { idx, rank } of registers) {
    if (rank > (sketch[idx] ?? 0)) sketch[idx] = rank;
  }
  return sketch;
}

/** Union of sketches: the register-wise maximum. */
export function mergeSketches(sketches: Buffer[]): Buffer {
  const out = emptySketch();
  for (const sketch of sketches) {
    if (sketch.length !== HLL_REGISTERS) continue;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = sketch[i] as number;
      if (r > (out[i] as number)) out[i] = r;
    }
  }
  return out;
}

/** Estimated number of distinct visitors in a sketch (Flajolet et al., with linear counting for small sets). */
export function estimate(sketch: Buffer): number {
  const m = HLL_REGISTERS;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    const r = sketch[i] as number;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  // 64-bit hashes: no large-range correction is needed.
  const value = raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw;
  return Math.round(value);
}

/**
 * Exact visitor sets for small days: 8-byte visitor ids (the first 16 hex digits of the hashed
 * IP), sorted and concatenated. While every day of a window has one, window uniques are exact
 * (64-bit ids: a collision is out of reach at these sizes); otherwise the sketches are used.
 */
export function unionIds(sets: Buffer[]): Set<bigint> {
  const out = new Set<bigint>();
  for (const set of sets) for (let i = 0; i + 8 <= set.length; i += 8) out.add(set.readBigUInt64BE(i));
  return out;
}

/** Adds hex ids to a set; null when the result passes EXACT_VISITORS_MAX (the day keeps only its sketch from then on). */
export function addIds(current: Buffer, hexIds: string[]): Buffer | null {
  const ids = unionIds([current]);
  for (const hex of hexIds) ids.add(BigInt(`0x${hex}`));
  if (ids.size > EXACT_VISITORS_MAX) return null;
  const out = Buffer.alloc(ids.size * 8);
  [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).forEach((id, i) => out.writeBigUInt64BE(id, i * 8));
  return out;
}

const HEX_ID = /^[0-9a-f]{16}/i;

/**
 * The register a visitor's hex HMAC raises and the rank it raises it to, as rollup-store.ts
 * computes them in SQL: the first 14 bits pick the register, the rank is the position of the
 * first 1 bit among the next 50 (51 if none). Undefined for a value that is not hex.
 */
export function visitorRegister(hashedIp: string): { idx: number; rank: number } | undefined {
  if (!HEX_ID.test(hashedIp)) return undefined;
  const bits = BigInt(`0x${hashedIp.slice(0, 16)}`);
  const rest = bits & ((1n << 50n) - 1n);
  return { idx: Number(bits >> 50n), rank: rest === 0n ? 51 : 51 - rest.toString(2).length };
}

/** A visitor's 8-byte id (see addIds): the first 16 hex digits of the hashed IP, or undefined if they are not hex. */
export function visitorId(hashedIp: string): string | undefined {
  return HEX_ID.test(hashedIp) ? hashedIp.slice(0, 16) : undefined;
}
