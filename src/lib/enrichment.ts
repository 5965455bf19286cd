import { isIP } from 'node:net';
import geoip from 'geoip-lite';
import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import { canonicalIpv6 } from './visitor-hash';

/**
 * Turns the raw visitor attributes of an event into what may be stored: keyed hashes, a
 * country and city, browser/OS/device families, a bot flag and the referrer's domain. Only
 * workers import this module (geoip-lite loads its database into memory on import).
 */

export type DeviceType = 'desktop' | 'mobile' | 'tablet';

export interface AgentInfo {
  deviceType: DeviceType;
  browserFamily: string | null;
  osFamily: string | null;
  isBot: boolean;
}

const OS_NAMES: Record<string, string> = { 'Mac OS': 'macOS', 'Chromium OS': 'ChromeOS', 'Chrome OS': 'ChromeOS' };

/**
 * isbot flags every "name/version" client, curl included. A person testing a link from a
 * terminal is a visitor, so command-line curl counts; crawlers, monitors and HTTP libraries
 * (python-requests, Go-http-client, …) stay flagged. An empty user agent is a bot.
 */
export function isBotAgent(userAgent: string): boolean {
  if (userAgent === '') return true;
  if (/^curl\/[\d.]+$/i.test(userAgent)) return false;
  return isbot(userAgent);
}

const agentCache = new Map<string, AgentInfo>();
const AGENT_CACHE_MAX = 10_000;

export function parseAgent(userAgent: string): AgentInfo {
  const cached = agentCache.get(userAgent);
  if (cached) return cached;
  const result = new UAParser(userAgent).getResult();
  const deviceType: DeviceType = result.device.type === 'mobile' || result.device.type === 'wearable' ? 'mobile' : result.device.type === 'tablet' ? 'tablet' : 'desktop';
  const browser = result.browser.name?.replace(/^Mobile /, '').replace(/ WebView$/, '') ?? null;
  const os = result.os.name ? (OS_NAMES[result.os.name] ?? result.os.name) : null;
  const info: AgentInfo = { deviceType, browserFamily: browser, osFamily: os, isBot: isBotAgent(userAgent) };
  if (agentCache.size >= AGENT_CACHE_MAX) agentCache.clear();
  agentCache.set(userAgent, info);
  return info;
}

export interface Place {
  countryCode: string | null;
  city: string | null;
}

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

/** Country and city of an address (expects canonicalIp's output); nothing for private or invalid ones. */
export function locate(ip: string): Place {
  const found = isIP(ip) ? geoip.lookup(ip) : null;
  return { countryCode: found?.country || null, city: found?.city || null };
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

/** The web process hashes visitors too: one definition (visitor-hash.ts, which loads no geoip) serves both. */
export { hashIp, hashUserAgent } from './visitor-hash';
