import { escapeHtml } from '../lib/html';

/**
 * Shields-style flat badges ("label | value"), rendered as self-contained SVG. Pure: no I/O.
 */

export const BADGE_STYLES = {
  pkglnk: { label: 'pkglnk', withUnit: true },
  upm: { label: 'UPM', withUnit: true },
  'upm-installs': { label: 'UPM installs', withUnit: false },
  installs: { label: 'installs', withUnit: false },
} as const;
export type BadgeStyle = keyof typeof BADGE_STYLES;
export const DEFAULT_BADGE_STYLE: BadgeStyle = 'pkglnk';

export function isBadgeStyle(value: string): value is BadgeStyle {
  return Object.prototype.hasOwnProperty.call(BADGE_STYLES, value);
}

export const BADGE_COLORS = { count: '#007ec6', private: '#9f9f9f', error: '#e05d44' } as const;

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/**
 * 999 → "999", 1234 → "1.2k", 12345 → "12.3k", 123456 → "123k", 3400000 → "3.4M".
 * Rounds down, so a badge never claims more installs than there are (1999 → "1.9k").
 */
export function formatCount(count: number): string {
  const n = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
  for (const [size, suffix] of UNITS) {
    if (n < size) continue;
    if (n / size >= 100) return `${Math.floor(n / size)}${suffix}`;
    return `${Math.floor(n / (size / 10)) / 10}${suffix}`;
  }
  return String(n);
}

/** The badge text of an install count in a style: "1 install", "1.2k installs" or "1.2k". */
export function installsText(style: BadgeStyle, count: number): string {
  const shown = formatCount(count);
  if (!BADGE_STYLES[style].withUnit) return shown;
  return `${shown} ${shown === '1' ? 'install' : 'installs'}`;
}

// Advance widths of Verdana at 11px (the face badges are drawn in), for the printable ASCII
// range from space (32) to tilde (126). Anything else is measured as a wide glyph.
const WIDTHS = [
  3.87, 4.33, 5.05, 9.0, 6.99, 11.84, 7.99, 2.95, 4.99, 4.99, 6.99, 9.0, 4.0, 4.99, 4.0, 4.99,
  6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 4.99, 4.99, 9.0, 9.0, 9.0, 5.99,
  11.0, 7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, 8.27, 4.63, 5.0, 7.62, 6.12, 9.27, 8.23, 8.66,
  6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54, 4.99, 4.99, 4.99, 9.0, 6.99,
  6.99, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.69, 6.96, 6.68,
  6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 9.0, 6.51, 6.51, 5.78, 6.98, 4.99, 6.98, 9.0,
];

export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    width += code >= 32 && code <= 126 ? (WIDTHS[code - 32] as number) : 11;
  }
  return width;
}

export interface Badge {
  label: string;
  value: string;
  color: string;
}

const PADDING = 5;

/** A flat badge: grey label box, coloured value box, text with a faint shadow; readable by screen readers. */
export function renderBadge(badge: Badge): string {
  const labelText = Math.ceil(textWidth(badge.label));
  const valueText = Math.ceil(textWidth(badge.value));
  const labelWidth = labelText + 2 * PADDING;
  const valueWidth = valueText + 2 * PADDING;
  const width = labelWidth + valueWidth;
  const label = escapeHtml(badge.label);
  const value = escapeHtml(badge.value);
  const title = `${label}: ${value}`;
  // Text is drawn at 10x and scaled down (as shields does) so positions keep one decimal.
  const labelX = labelWidth * 5;
  const valueX = (labelWidth + valueWidth / 2) * 10;
  const text = (x: number, length: number, content: string) =>
    `<text aria-hidden="true" x="${x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${length * 10}">${content}</text>` +
    `<text x="${x}" y="140" transform="scale(.1)" fill="#fff" textLength="${length * 10}">${content}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/><rect x="${labelWidth}" width="${valueWidth}" height="20" fill="${escapeHtml(badge.color)}"/><rect width="${width}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">` +
    text(labelX, labelText, label) +
    text(valueX, valueText, value) +
    `</g></svg>`
  );
}
