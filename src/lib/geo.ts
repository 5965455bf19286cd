import { createRequire } from 'node:module';
import { isIP } from 'node:net';

type GeoIp = typeof import('geoip-lite');

export interface Place {
  countryCode: string | null;
  city: string | null;
}

const load = createRequire(__filename);
let geoip: GeoIp | undefined;

/**
 * geoip-lite reads its database into memory when it is loaded, so it is loaded on first use:
 * workers always use it, the edge only once a link with a country rule is followed.
 */
function database(): GeoIp {
  geoip ??= load('geoip-lite') as GeoIp;
  return geoip;
}

/** A dotted IPv4 address as the number geoip-lite searches for (it would otherwise validate and split it again). */
function ipv4Number(ip: string): number {
  // Digit by digit: no arrays to allocate on the per-click path (isIP has checked the form).
  let value = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const code = ip.charCodeAt(i);
    if (code === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (code - 48);
    }
  }
  return value * 256 + octet;
}

/** Country and city of an address (expects canonicalIp's output); nothing for private or invalid ones. */
export function locate(ip: string): Place {
  const kind = isIP(ip);
  // Targeting rules call this per click on links with a country rule: IPv4 skips the library's own re-parsing.
  const found = kind === 4 ? database().lookup(ipv4Number(ip)) : kind === 6 ? database().lookup(ip) : null;
  return { countryCode: found?.country || null, city: found?.city || null };
}
