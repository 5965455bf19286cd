import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The data's date: the stamp `npm run geoip:update` writes, else when the files were installed. */
export async function geoipDataDate(dataDir = join(dirname(require.resolve('geoip-lite/package.json')), 'data')): Promise<{ date: Date; source: 'update' | 'install' } | null> {
  const stamp = await readFile(join(dataDir, 'linktally-updated-at'), 'utf8').catch(() => null);
  const updated = stamp ? new Date(stamp.trim()) : null;
  if (updated && !Number.isNaN(updated.getTime())) return { date: updated, source: 'update' };
  const file = await stat(join(dataDir, 'geoip-city.dat')).catch(() => null);
  return file ? { date: file.mtime, source: 'install' } : null;
}

/** Logged once at worker start: countries and cities of clicks are only as good as this data. */
export async function reportGeoipAge(logger: Logger, dataDir?: string, now = Date.now()): Promise<void> {
  const found = await geoipDataDate(dataDir);
  if (!found) {
    logger.warn({ category: 'geoip' }, 'GeoIP data not found: clicks get no country; run npm run geoip:update');
    return;
  }
  const fields = { category: 'geoip', data_date: found.date.toISOString().slice(0, 10), source: found.source };
  if (now - found.date.getTime() > YEAR_MS) logger.warn(fields, 'GeoIP data is more than a year old: run npm run geoip:update');
  else logger.info(fields, 'GeoIP data');
}
