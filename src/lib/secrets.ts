import { createHash, createHmac, hkdfSync, randomBytes, randomInt, scrypt, timingSafeEqual, createCipheriv, createDecipheriv } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniformly random base62 string (no modulo bias: randomInt rejects out-of-range draws). */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Keyed hash of a visitor attribute (IP, user agent): stable for counting, useless without APP_SECRET. */
export function keyedHash(appSecret: string, purpose: string, value: string): string {
  return createHmac('sha256', appSecret).update(purpose).update('\0').update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const SCRYPT = { N: 16384, r: 8, p: 1 };

/** scrypt needs 128·N·r bytes; leave headroom so Node's default 32 MiB cap never refuses a stored cost. */
function scryptMaxmem(n: number, r: number): number {
  return 256 * n * r;
}

/**
 * Slow password hash (scrypt) in a self-describing string: scrypt$N$r$p$salt$hash. Link
 * passwords use the default cost (N = 2^14, checked on the redirect path); account passwords
 * pass config.passwordHashCost. A stored hash keeps verifying after the cost changes.
 */
export async function hashPassword(password: string, log2N: number = Math.log2(SCRYPT.N)): Promise<string> {
  const params = { ...SCRYPT, N: 2 ** log2N };
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { ...params, maxmem: scryptMaxmem(params.N, params.r) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const MAX_STORED_N = 2 ** 20;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const R = Number(r);
  if (!(N > 1 && N <= MAX_STORED_N && R >= 1 && R <= 32)) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N, r: R, p: Number(p), maxmem: scryptMaxmem(N, R),
  });
  return timingSafeEqual(actual, expected);
}

function encryptionKey(appSecret: string): Buffer {
  return createHash('sha256').update('linktally:encryption:').update(appSecret).digest();
}

const subkeys = new Map<string, Buffer>();

/**
 * A 256-bit key of its own for one purpose, derived from APP_SECRET with HKDF-SHA256, so data
 * sealed for one use cannot be opened as another's. Cached: a process has one secret and few
 * purposes.
 */
export function subkey(appSecret: string, purpose: string): Buffer {
  const id = `${purpose}\0${appSecret}`;
  let key = subkeys.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', appSecret, 'linktally', purpose, 32));
    subkeys.set(id, key);
  }
  return key;
}

/** AES-256-GCM in a self-describing string: v1.iv.tag.body (base64). */
export function sealWithKey(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** Opens what sealWithKey made with the same key; throws if it was altered or sealed with another. */
export function openWithKey(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unrecognised encrypted secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

/** Secrets we must read back (webhook signing keys) are stored AES-256-GCM encrypted with APP_SECRET. */
export function encryptSecret(appSecret: string, plaintext: string): string {
  return sealWithKey(encryptionKey(appSecret), plaintext);
}

export function decryptSecret(appSecret: string, stored: string): string {
  return openWithKey(encryptionKey(appSecret), stored);
}
