import geoip from 'geoip-lite';
import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import { keyedHash } from './secrets';

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

export function locate(ip: string): Place {
  const found = ip ? geoip.lookup(ip) : null;
  return { countryCode: found?.country || null, city: found?.city || null };
}

export function referrerDomain(referrer: string | null): string | null {
  if (!referrer) return null;
  try {
    const url = new URL(referrer);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.hostname.replace(/^www\./, '').toLowerCase() || null;
  } catch {
    return null;
  }
}

export function hashIp(appSecret: string, ip: string): string {
  return keyedHash(appSecret, 'ip', ip);
}

export function hashUserAgent(appSecret: string, userAgent: string): string {
  return keyedHash(appSecret, 'ua', userAgent);
}
