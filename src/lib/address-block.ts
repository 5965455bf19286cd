import ipaddr from 'ipaddr.js';

/**
 * The block of addresses one visitor is assumed to control, for rate limits: an IPv4 address
 * on its own (also when it arrives IPv4-mapped), an IPv6 address's /64 (the smallest prefix a
 * host is normally given, so every address in it is one customer's to use). Anything that is
 * no IP address is its own block.
 */
export function addressBlock(ip: string): string {
  const value = ip.trim();
  // A zone (fe80::1%eth0) names an interface, not a different visitor.
  const address = value.split('%')[0] ?? value;
  if (!ipaddr.isValid(address)) return value;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const groups = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${groups.join(':')}::/64`;
}
