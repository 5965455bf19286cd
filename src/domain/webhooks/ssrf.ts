import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard for webhook targets. A receiver URL may only reach public
 * unicast addresses: loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT,
 * multicast, reserved and documentation ranges are refused, in IPv4, IPv6 and every IPv6 form
 * that embeds an IPv4 address (mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, NAT64
 * 64:ff9b::/96, 6to4 2002::/16), which is judged by the IPv4 address it carries. Addresses are
 * classified by ipaddr.js (its table of special ranges follows the IANA registries, e.g. the
 * documentation prefix 3fff::/20 of RFC 9637). Checked when the URL is saved and again when each
 * attempt connects (`guardedLookup`), so a name that later re-resolves to an internal address
 * (DNS rebinding) is still refused.
 */

const V4_REASONS: Record<string, string> = {
  unspecified: 'a "this network" address',
  broadcast: 'a reserved address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved address',
};

const V4_DOCUMENTATION = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((cidr) => ipaddr.IPv4.parseCIDR(cidr));

// Anything not named here (and not embedding IPv4) is refused unless ipaddr.js calls it unicast.
const V6_REASONS: Record<string, string> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  uniqueLocal: 'a private (unique local) address',
  deprecatedSiteLocal: 'a site-local address',
};

const V6_DOCUMENTATION = ['2001:db8::/32', '3fff::/20'].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
// Only 2000::/3 is allocated for global unicast; the rest of the space (e.g. IPv4-compatible ::/96) is reserved.
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function v4Reason(address: ipaddr.IPv4): string | null {
  if (V4_DOCUMENTATION.some((cidr) => address.match(cidr))) return 'a documentation address';
  return V4_REASONS[address.range()] ?? null;
}

/** The IPv4 address an IPv6 address stands for, in the forms that carry one. */
function embeddedV4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = address.parts;
  const range = address.range();
  const last32 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  if (range === 'ipv4Mapped' || range === 'rfc6145' || (range === 'rfc6052' && address.match(NAT64_WELL_KNOWN))) return last32(p[6] as number, p[7] as number);
  if (range === '6to4') return last32(p[1] as number, p[2] as number);
  return undefined;
}

function v6Reason(address: ipaddr.IPv6): string | null {
  const embedded = embeddedV4(address);
  if (embedded) return v4Reason(embedded);
  if (V6_DOCUMENTATION.some((cidr) => address.match(cidr))) return 'a documentation address';
  const named = V6_REASONS[address.range()];
  if (named) return named;
  return address.range() === 'unicast' && address.match(GLOBAL_UNICAST) ? null : 'a reserved address';
}

/**
 * The address in a form ipaddr.js reads right: without its zone, and IPv6 re-spelt by the URL
 * parser, because ipaddr.js reads a dotted tail after "::" as IPv4-mapped (::127.0.0.1 would
 * become ::ffff:127.0.0.1). Undefined if this is not an IP address.
 */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!ipaddr.IPv6.isValid(bare)) return undefined;
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  } catch {
    return undefined;
  }
}

/** Why an address may not be a webhook target, or null when it is a public unicast address. */
export function blockedReason(address: string): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return 'not an IP address';
  return parsed.kind() === 'ipv4' ? v4Reason(parsed as ipaddr.IPv4) : v6Reason(parsed as ipaddr.IPv6);
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
