import { escapeHtml } from '../lib/html';
import { formatCount, textWidth } from './badge-svg';

/**
 * A package's card (the pkglnk client's `card_image_url`): name, package name and version,
 * description, topics, installs and stars, as a self-contained SVG. Every text is escaped and
 * cut to fit by measured width. Pure: no I/O.
 */

export interface CardContent {
  title: string;
  subtitle: string | null;
  description: string | null;
  topics: readonly string[];
  installs: number;
  stars: number | null;
}

export const CARD_WIDTH = 640;
export const CARD_HEIGHT = 200;
const PAD = 24;
const INNER = CARD_WIDTH - 2 * PAD;
const FONT = 'Verdana,DejaVu Sans,Geneva,sans-serif';
// The dashboard's light palette (dashboard/src/styles.css).
const COLORS = { panel: '#ffffff', line: '#dde1e6', text: '#1b1f24', muted: '#5b6370', accent: '#2548c8', chip: '#e8edfc' } as const;

/** Width of text at a font size (Verdana's advance widths, measured at 11px by badge-svg). */
function widthAt(text: string, size: number): number {
  return (textWidth(text) * size) / 11;
}

/** The longest start of `text` that fits `max` (with an ellipsis when cut). */
export function fit(text: string, size: number, max: number): string {
  if (widthAt(text, size) <= max) return text;
  const chars = [...text];
  while (chars.length > 0 && widthAt(`${chars.join('')}…`, size) > max) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Words laid into at most `lines` lines of `max` width; the last line ends with … when text is left over. */
export function wrap(text: string, size: number, max: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  const words = text.split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const candidate = line === '' ? word : `${line} ${word}`;
    if (widthAt(candidate, size) <= max) {
      line = candidate;
      continue;
    }
    if (line === '') {
      line = fit(word, size, max);
      continue;
    }
    if (out.length === lines - 1) {
      out.push(fit(`${line} ${words.slice(i).join(' ')}`, size, max));
      return out;
    }
    out.push(line);
    line = widthAt(word, size) <= max ? word : fit(word, size, max);
  }
  if (line !== '') out.push(line);
  return out.slice(0, lines);
}

function text(x: number, y: number, size: number, fill: string, content: string, extra = ''): string {
  return `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}"${extra}>${escapeHtml(content)}</text>`;
}

function chips(topics: readonly string[]): string {
  let x = PAD;
  const out: string[] = [];
  for (const topic of topics) {
    const label = fit(topic, 12, 160);
    const width = Math.ceil(widthAt(label, 12)) + 16;
    if (x + width > CARD_WIDTH - PAD - 180) break;
    out.push(`<rect x="${x}" y="134" width="${width}" height="22" rx="11" fill="${COLORS.chip}"/>` + text(x + 8, 149, 12, COLORS.accent, label));
    x += width + 6;
  }
  return out.join('');
}

export function renderCard(card: CardContent): string {
  const installs = `${formatCount(card.installs)} ${card.installs === 1 ? 'install' : 'installs'}`;
  const stats = card.stars === null ? installs : `★ ${formatCount(card.stars)} · ${installs}`;
  const description = wrap(card.description ?? '', 15, INNER, 2);
  const label = [card.title, card.description ?? '', installs].filter((s) => s !== '').join(' — ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}" role="img" aria-label="${escapeHtml(label)}">` +
    `<title>${escapeHtml(label)}</title>` +
    `<rect x="0.5" y="0.5" width="${CARD_WIDTH - 1}" height="${CARD_HEIGHT - 1}" rx="12" fill="${COLORS.panel}" stroke="${COLORS.line}"/>` +
    `<g font-family="${FONT}" text-rendering="geometricPrecision">` +
    text(PAD, 46, 24, COLORS.text, fit(card.title, 24, INNER), ' font-weight="700"') +
    (card.subtitle ? text(PAD, 70, 13, COLORS.muted, fit(card.subtitle, 13, INNER)) : '') +
    description.map((line, i) => text(PAD, 98 + i * 20, 15, COLORS.text, line)).join('') +
    chips(card.topics) +
    text(CARD_WIDTH - PAD, 180, 14, COLORS.muted, stats, ' text-anchor="end" font-weight="700"') +
    text(PAD, 180, 12, COLORS.muted, 'pkglnk') +
    `</g></svg>`
  );
}

/** The card of a package that cannot be shown (unknown or private: the same card, so neither is told apart). */
export function renderMissingCard(): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}" role="img" aria-label="Package not found">` +
    `<title>Package not found</title>` +
    `<rect x="0.5" y="0.5" width="${CARD_WIDTH - 1}" height="${CARD_HEIGHT - 1}" rx="12" fill="${COLORS.panel}" stroke="${COLORS.line}"/>` +
    `<g font-family="${FONT}">` + text(CARD_WIDTH / 2, 106, 18, COLORS.muted, 'Package not found', ' text-anchor="middle"') + `</g></svg>`
  );
}
