import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';

/** Browser, OS and device family of a user agent: for stored clicks (workers) and targeting rules (edge). */

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
