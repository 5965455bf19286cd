import { isIP } from 'node:net';
import { keyedHash } from './secrets';
import { boundUserAgent } from './visitor-bounds';

/**
 * The keyed visitor hashes and the address form they are taken of, defined once for both the
 * web process and the workers: enrichment.ts re-exports and builds on them, but loads the geoip
 * database on import, which the API must not do.
 */
export function hashIp(appSecret: string, ip: string): string {
  return keyedHash(appSecret, 'ip', ip);
}

/** Of the bounded form the edge keeps (visitor-bounds.ts), so a user agent hashes alike from a click and a postback. */
export function hashUserAgent(appSecret: string, userAgent: string): string {
  return keyedHash(appSecret, 'ua', boundUserAgent(userAgent));
}

/**
 * An address in the form the edge records it (see lib/client-ip.ts): IPv4-mapped IPv6 as
 * plain IPv4 and IPv6 in its canonical lower-case compressed form, so an address reported by a
 * merchant's server hashes like the one the visitor's request came from. Undefined if not an IP.
 */
export function canonicalIp(value: string): string | undefined {
  const trimmed = value.trim();
  const kind = isIP(trimmed);
  if (kind === 4) return trimmed;
  if (kind !== 6) return undefined;
  try {
    return canonicalIpv6(trimmed);
  } catch {
    // Scoped addresses (fe80::1%eth0) are valid IPs but not valid URL hosts: keep them as given.
    return trimmed.toLowerCase();
  }
}

/**
 * An IPv6 address (isIP 6) in the form every visitor hash is taken of, here and in enrichment.ts:
 * IPv4-mapped as plain IPv4, else canonical (RFC 5952) lower-case compressed. Throws where the
 * address is no valid URL host (a scoped one, fe80::1%eth0).
 */
export function canonicalIpv6(ip: string): string {
  // The WHATWG URL parser prints IPv6 in its canonical (RFC 5952) form.
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const high = parseInt(mapped[1] as string, 16);
    const low = parseInt(mapped[2] as string, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return canonical;
}
