import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, ok, raw } from '../api/client';
import { ErrorNote, Field, Loading, useAction, useLoad } from './ui';

const DEFAULT_DARK = '#000000';
const DEFAULT_LIGHT = '#ffffff';
/** Below this contrast (WCAG's ratio, 1–21) phone cameras start to miss codes, most of all in dim light. */
const SCANNABLE_CONTRAST = 4;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new ApiFailure(0, 'The file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Why these colours may not scan, or null: readers expect dark modules on a light ground, well apart. */
function scanWarning(dark: string, light: string): string | null {
  const [d, l] = [luminance(dark), luminance(light)];
  if (d >= l) return 'The modules are lighter than the background: many phone cameras will not read an inverted code.';
  const ratio = (l + 0.05) / (d + 0.05);
  if (ratio < SCANNABLE_CONTRAST) return `Low contrast (${ratio.toFixed(1)}:1): phones may not read it. ${SCANNABLE_CONTRAST}:1 or more scans reliably.`;
  return null;
}

/**
 * A link's QR code. The image is fetched (it needs the same auth headers as any call) and shown
 * from a blob. Colours and the account's centre logo (one for all its links, uploaded here) apply
 * to the preview and the downloads alike, so what is downloaded is what was shown.
 */
export function QrPanel({ linkId, code }: { linkId: number; code: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [withLogo, setWithLogo] = useState(false);
  const [dark, setDark] = useState(DEFAULT_DARK);
  const [light, setLight] = useState(DEFAULT_LIGHT);
  const action = useAction();
  const logo = useLoad(async () => (await ok(api.GET('/api/v1/settings/qr_logo'))).qr_logo, []);
  const options =
    (withLogo ? '&logo=true' : '') +
    (dark !== DEFAULT_DARK ? `&fg=${dark.slice(1)}` : '') +
    (light !== DEFAULT_LIGHT ? `&bg=${light.slice(1)}` : '');
  useEffect(() => {
    let url: string | null = null;
    void action.run(async () => {
      const blob = await (await raw('GET', `/api/v1/links/${linkId}/qr?format=svg&size=240${options}`)).blob();
      url = URL.createObjectURL(blob);
      setSrc(url);
    });
    return () => { if (url) URL.revokeObjectURL(url); };
  }, [linkId, options, withLogo ? logo.data?.updated_at : null]); // a replaced logo redraws
  const upload = (file: File) => void action.run(async () => {
    await ok(api.PUT('/api/v1/settings/qr_logo', { body: { image: await readAsDataUrl(file) } }));
    setWithLogo(true);
    logo.reload();
  });
  const download = (format: 'svg' | 'png') => void action.run(async () => {
    const blob = await (await raw('GET', `/api/v1/links/${linkId}/qr?format=${format}&size=1024&download=1${options}`)).blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${code}-qr.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  const warning = scanWarning(dark, light);
  return (
    <div class="card qr">
      <h2>QR code</h2>
      {/* The frame takes the chosen background, so a tinted code is shown as it will print. */}
      {src ? <img src={src} width={160} height={160} alt={`QR code for /${code}`} style={{ background: light }} /> : action.error ? null : <Loading what="the QR code" />}
      <ErrorNote error={action.error ?? logo.error} />
      <div class="qr-colours">
        {/* change, not input: the picker commits once, so the preview is fetched once per choice. */}
        <Field label="Code colour"><input type="color" value={dark} onChange={(e) => setDark(e.currentTarget.value)} /></Field>
        <Field label="Background colour"><input type="color" value={light} onChange={(e) => setLight(e.currentTarget.value)} /></Field>
        {dark !== DEFAULT_DARK || light !== DEFAULT_LIGHT ? (
          <button type="button" class="small" onClick={() => { setDark(DEFAULT_DARK); setLight(DEFAULT_LIGHT); }}>Black on white</button>
        ) : null}
      </div>
      {warning ? <p class="bad" role="status">{warning}</p> : null}
      {logo.data ? <label class="check"><input type="checkbox" checked={withLogo} onChange={(e) => setWithLogo(e.currentTarget.checked)} /> With my logo</label> : null}
      <Field label={logo.data ? 'Replace my logo' : 'Add a centre logo'} hint="PNG or JPEG, at most 100 KB; one for all your links.">
        <input type="file" accept="image/png,image/jpeg" onChange={(e) => { const file = e.currentTarget.files?.[0]; if (file) upload(file); }} />
      </Field>
      <div class="actions">
        <button type="button" class="small" onClick={() => download('svg')}>Download SVG</button>
        <button type="button" class="small" onClick={() => download('png')}>Download PNG</button>
      </div>
    </div>
  );
}
