import QRCode from 'qrcode';
import { Resvg } from '@resvg/resvg-js';

/**
 * A QR code as SVG or PNG, optionally with a logo over its centre. The logo case always uses
 * error-correction level H (about 30 % of the codewords can be restored) and clears whole
 * modules under the logo, about 9 % of the code's area, so a reader recovers what it covers.
 * The logo travels inside the SVG as a data URL (bytes checked before they were stored), and
 * the PNG is that SVG rasterised, so both formats show the same code.
 */
export interface QrLogoImage {
  contentType: 'image/png' | 'image/jpeg';
  bytes: Buffer;
}

export interface QrImageOptions {
  level: 'L' | 'M' | 'Q' | 'H';
  /** Quiet zone, in modules. */
  margin: number;
  /** Width and height in pixels. */
  size: number;
  /** #RRGGBB or #RRGGBBAA. */
  dark: string;
  light: string;
  logo?: QrLogoImage;
}

/** The cleared square's side as a share of the code's width in modules. */
const LOGO_SHARE = 0.3;
/** White space kept between the logo and the modules around it, in modules. */
const LOGO_PAD = 0.5;

export function renderQrSvg(text: string, options: QrImageOptions): Promise<string> {
  return options.logo ? svgWithLogo(text, options, options.logo) : QRCode.toString(text, { ...qrcodeOptions(options), type: 'svg' });
}

export async function renderQrPng(text: string, options: QrImageOptions): Promise<Buffer> {
  if (!options.logo) return QRCode.toBuffer(text, { ...qrcodeOptions(options), type: 'png' });
  const svg = await svgWithLogo(text, options, options.logo);
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: options.size }, font: { loadSystemFonts: false } }).render().asPng());
}

function qrcodeOptions(o: QrImageOptions) {
  return { errorCorrectionLevel: o.logo ? 'H' : o.level, margin: o.margin, width: o.size, color: { dark: o.dark, light: o.light } } as const;
}

/** #RRGGBB[AA] as an SVG fill and its opacity (an 8-digit fill is not read everywhere). */
function fill(colour: string): string {
  const alpha = colour.length === 9 ? parseInt(colour.slice(7), 16) / 255 : 1;
  return `fill="${colour.slice(0, 7)}"${alpha < 1 ? ` fill-opacity="${alpha.toFixed(3)}"` : ''}`;
}

async function svgWithLogo(text: string, options: QrImageOptions, logo: QrLogoImage): Promise<string> {
  const svg = await QRCode.toString(text, { ...qrcodeOptions(options), type: 'svg' });
  // qrcode draws one unit per module, the quiet zone included (viewBox 0 0 n+2m n+2m).
  const modules = QRCode.create(text, { errorCorrectionLevel: 'H' }).modules.size;
  let side = Math.floor(modules * LOGO_SHARE);
  if (side % 2 !== modules % 2) side -= 1; // centred on whole modules
  const at = options.margin + (modules - side) / 2;
  const inner = side - 2 * LOGO_PAD;
  const overlay =
    `<rect x="${at}" y="${at}" width="${side}" height="${side}" ${fill(options.light)}/>` +
    `<image x="${at + LOGO_PAD}" y="${at + LOGO_PAD}" width="${inner}" height="${inner}" preserveAspectRatio="xMidYMid meet" href="data:${logo.contentType};base64,${logo.bytes.toString('base64')}"/>`;
  return svg.replace(/<\/svg>\s*$/, `${overlay}</svg>`);
}
