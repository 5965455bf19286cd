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

/** Country and city of an address (expects canonicalIp's output); nothing for private or invalid ones. */
export function locate(ip: string): Place {
  const found = isIP(ip) ? database().lookup(ip) : null;
  return { countryCode: found?.country || null, city: found?.city || null };
}
