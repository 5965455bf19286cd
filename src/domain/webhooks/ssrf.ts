import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * Server-side request forgery guard for webhook targets. A receiver URL may only reach public
 * unicast addresses: loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT,
 * multicast, reserved and documentation ranges are refused, in IPv4, IPv6 and every IPv6 form
 * that embeds an IPv4 address (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
 * Checked when the URL is saved and again when each attempt connects (`guardedLookup`), so a
 * name that later re-resolves to an internal address (DNS rebinding) is still refused.
 */

const V4_BLOCKED: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a reserved address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a reserved address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

/** [prefix hextets, prefix length, reason]; ranges that embed IPv4 are handled before these. */
const V6_BLOCKED: ReadonlyArray<readonly [string, number, string]> = [
  ['::1', 128, 'a loopback address'],
  ['::', 128, 'an unspecified address'],
  ['::', 96, 'a reserved address'], // IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48, 'a reserved address'], // local-use NAT64
  ['100::', 64, 'a reserved address'], // discard
  ['2001::', 23, 'a reserved address'], // IETF assignments, Teredo
  ['2001:db8::', 32, 'a documentation address'],
  ['fc00::', 7, 'a private (unique local) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

function v4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Eight 16-bit groups, or undefined if this is not an IPv6 address (a trailing dotted quad is allowed). */
export function parseV6(address: string): number[] | undefined {
  let text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const v4 = v4ToInt(quad[1]);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, -quad[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

function v6Matches(groups: number[], prefix: string, bits: number): boolean {
  const base = parseV6(prefix) as number[];
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
  }
  return true;
}

function v4Reason(value: number): string | null {
  for (const [base, bits, reason] of V4_BLOCKED) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((value & mask) >>> 0) === (((v4ToInt(base) as number) & mask) >>> 0)) return reason;
  }
  return null;
}

function embeddedV4(groups: number[]): number | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const last32 = ((g6 << 16) >>> 0) + g7;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return last32; // ::ffff:a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return last32; // NAT64
  if (g0 === 0x2002) return ((g1 << 16) >>> 0) + g2; // 6to4
  return undefined;
}

/** Why an address may not be a webhook target, or null when it is a public unicast address. */
export function blockedReason(address: string): string | null {
  const v4 = v4ToInt(address);
  if (v4 !== undefined) return v4Reason(v4);
  const groups = parseV6(address);
  if (!groups) return 'not an IP address';
  const embedded = embeddedV4(groups);
  if (embedded !== undefined) return v4Reason(embedded);
  for (const [prefix, bits, reason] of V6_BLOCKED) if (v6Matches(groups, prefix, bits)) return reason;
  return null;
}

export class SsrfError extends Error {
  readonly code = 'EWEBHOOKTARGET';
}

function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/** The URL's host without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Save-time check of a webhook URL. Returns an error message for the user, or null when the URL
 * may be saved. `allowPrivate` (WEBHOOK_ALLOW_PRIVATE) lifts only the address check.
 */
export async function webhookUrlProblem(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Webhook url must be a valid http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Webhook url must be a valid http or https URL';
  if (url.username || url.password) return 'Webhook url must not contain credentials';
  if (allowPrivate) return null;
  const host = urlHost(url);
  if (isIP(host)) {
    const reason = blockedReason(host);
    return reason ? `Webhook url points to ${reason}` : null;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host);
  } catch {
    return `Webhook url host ${host} could not be resolved`;
  }
  for (const { address } of addresses) {
    const reason = blockedReason(address);
    if (reason) return `Webhook url resolves to ${reason}`;
  }
  return null;
}

/**
 * A `lookup` for http.request that refuses a host if any of its addresses is blocked. Node calls
 * lookup only for names; IP literals are checked by `connectTimeProblem` before the request.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const blocked = allowPrivate ? undefined : addresses.find((a) => blockedReason(a.address));
      if (blocked) return callback(new SsrfError(`Refused: ${hostname} resolves to ${blockedReason(blocked.address)}`), '');
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new SsrfError(`No address for ${hostname}`), '');
      return callback(null, first.address, first.family);
    });
  };
}

/** Connect-time check for what `guardedLookup` cannot see: an IP literal host. */
export function literalHostProblem(url: URL, allowPrivate: boolean): string | null {
  const host = urlHost(url);
  if (allowPrivate || !isIP(host)) return null;
  const reason = blockedReason(host);
  return reason ? `Refused: ${host} is ${reason}` : null;
}
