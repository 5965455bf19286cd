import { canonicalIp } from './visitor-hash';

/**
 * The block of addresses one visitor is assumed to control, for rate limits: an IPv4 address
 * on its own, an IPv6 address's /64 (the smallest prefix a host is normally given, so every
 * address in it is one customer's to use). Written out here rather than through a library
 * because it is only this: the canonical form (visitor-hash.ts) expanded to its first four
 * groups. Anything that is no IP address is its own block.
 */
export function addressBlock(ip: string): string {
  const canonical = canonicalIp(ip);
  if (canonical === undefined || !canonical.includes(':')) return canonical ?? ip;
  const address = canonical.split('%')[0] ?? canonical;
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
