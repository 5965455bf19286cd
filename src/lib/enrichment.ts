import { isIP } from 'node:net';
import { canonicalIpv6 } from './visitor-hash';

/**
 * Turns the raw visitor attributes of an event into what may be stored: keyed hashes, a
 * country and city, browser/OS/device families, a bot flag and the referrer's domain. The
 * geoip database loads on first use (geo.ts), so the edge may import this for targeting rules.
 */

/**
 * One spelling per address, so the keyed hash of a visitor does not depend on how a proxy wrote
 * it: IPv4-mapped IPv6 becomes IPv4, IPv6 is lower-cased and compressed, a port some proxies
 * append (1.2.3.4:5678, [::1]:443) is dropped. Anything that is not an address is returned
 * trimmed (it still hashes, stably; it just has no location).
 */
export function canonicalIp(raw: string): string {
  let ip = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1] as string;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  const zone = ip.indexOf('%');
  if (zone > 0 && isIP(ip.slice(0, zone)) === 6) ip = ip.slice(0, zone);
  const kind = isIP(ip);
  if (kind === 4) return ip;
  if (kind !== 6) return ip;
  return canonicalIpv6(ip);
}

export function referrerDomain(referrer: string | null): string | null {
  if (!referrer) return null;
  try {
    const url = new URL(referrer);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    // The URL parser already lower-cases and punycodes the host; a trailing root dot is dropped.
    return url.hostname.replace(/\.$/, '').replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** The edge parses agents and locates visitors for targeting rules (user-agent.ts, geo.ts). */
export { isBotAgent, parseAgent, type AgentInfo, type DeviceType } from './user-agent';
export { locate, type Place } from './geo';

/** The web process hashes visitors too: one definition (visitor-hash.ts, which loads no geoip) serves both. */
export { hashIp, hashUserAgent } from './visitor-hash';
