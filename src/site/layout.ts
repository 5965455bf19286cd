import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { html, trusted, type Html } from './html';

/**
 * The shell of every page for people (/pkg/{slug}, /directory, /collections/{slug},
 * /u/{username} and the status pages): head with title, description, canonical URL and Open Graph,
 * the dashboard's colours, header and footer. The one script (copy buttons) is inline and allowed
 * by its hash in the CSP, so a whole page can be cached and served as it is.
 */

// The dashboard's variables (dashboard/src/styles.css), light and dark, and a few page rules.
const CSS = `:root{--bg:#f6f7f9;--panel:#fff;--text:#1b1f24;--muted:#5b6370;--line:#dde1e6;--accent:#2548c8;--accent-soft:rgba(47,91,234,.12);--radius:10px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;line-height:1.5;color:var(--text);background:var(--bg)}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--panel:#171b21;--text:#e6e9ed;--muted:#a3abb6;--line:#2b313a;--accent:#8ea8ff;--accent-soft:rgba(142,168,255,.16)}}
*{box-sizing:border-box}body{margin:0}a{color:var(--accent)}h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.05rem;margin:0 0 .6rem}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}pre{overflow-x:auto;background:var(--bg);padding:.6rem;border-radius:6px}
.muted{color:var(--muted)}.skip{position:absolute;left:-999px;top:0;background:var(--panel);padding:.5rem}.skip:focus{left:.5rem}:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.top{display:flex;align-items:center;gap:1rem;padding:.6rem 1rem;background:var(--panel);border-bottom:1px solid var(--line)}.brand{font-weight:700;text-decoration:none;color:var(--text)}
main{max-width:1100px;margin:0 auto;padding:1rem}footer{max-width:1100px;margin:0 auto;padding:1rem;color:var(--muted);font-size:.9rem}
.card{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:1rem;margin-bottom:1rem;min-width:0}
.layout{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:1rem}@media (max-width:800px){.layout{grid-template-columns:minmax(0,1fr)}}
.chips{display:flex;gap:.4rem;flex-wrap:wrap;list-style:none;padding:0;margin:.5rem 0}.chip{border:1px solid var(--accent);color:var(--accent);background:var(--accent-soft);border-radius:999px;padding:.1rem .6rem;font-size:.9rem}
.facts{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.copy{display:flex;gap:.5rem}.copy input{flex:1;min-width:0;font:inherit;padding:.4rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--text)}
button{font:inherit;padding:.4rem .8rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.readme{overflow-wrap:anywhere}.readme img{max-width:100%}.readme table{border-collapse:collapse}.readme td,.readme th{border:1px solid var(--line);padding:.3rem .5rem}
.chart svg{width:100%;height:auto;display:block}.chart rect.bar{fill:var(--accent)}.chart .axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.75rem}
.snippet{margin:.4rem 0 .8rem}.snippet label{display:block;font-size:.9rem;color:var(--muted)}
a.chip{display:inline-block;text-decoration:none}.items{list-style:none;padding:0;margin:0}.item h2,.item h3{font-size:1.1rem;margin:0 0 .3rem}.item p{margin:.2rem 0}
.search{display:flex;gap:.5rem;flex-wrap:wrap;align-items:flex-end}.search label{display:block;font-size:.9rem;color:var(--muted)}.search input{font:inherit;padding:.4rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--text);width:100%}.search .field{flex:1;min-width:12rem}
.bar{display:flex;gap:1rem;flex-wrap:wrap;align-items:center;margin:.5rem 0}.pager{display:flex;gap:1rem;align-items:center;justify-content:space-between;margin:1rem 0}
.avatar{border-radius:50%;vertical-align:middle}.bar a[aria-current=page]{font-weight:700;color:var(--text);text-decoration:none}`;

// One delegated listener: any button with data-copy copies the field it names.
const SCRIPT = `document.addEventListener('click',function(e){var b=e.target instanceof Element?e.target.closest('button[data-copy]'):null;if(!b)return;var f=document.getElementById(b.getAttribute('data-copy'));if(!f||!navigator.clipboard)return;navigator.clipboard.writeText(f.value).then(function(){var s=document.getElementById(b.getAttribute('data-copy')+'-status');if(s)s.textContent='Copied';});});`;
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;

// Images of a README may come from any https host; nothing else leaves this origin.
export const SITE_CSP = `default-src 'none'; script-src ${SCRIPT_HASH}; style-src 'unsafe-inline'; img-src 'self' https: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

export interface PageMeta {
  title: string;
  description: string;
  /** Absolute URL of this page. */
  canonical: string;
  /** Absolute URL of its Open Graph image, if any. */
  image?: string;
  /** false for error pages: kept out of search indexes. */
  indexable: boolean;
}

export function layout(meta: PageMeta, body: Html): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${meta.title}</title><meta name="description" content="${meta.description}">${meta.indexable ? '' : html`<meta name="robots" content="noindex">`}
<link rel="canonical" href="${meta.canonical}"><meta property="og:type" content="website"><meta property="og:title" content="${meta.title}"><meta property="og:description" content="${meta.description}"><meta property="og:url" content="${meta.canonical}">${meta.image ? html`<meta property="og:image" content="${meta.image}"><meta name="twitter:card" content="summary_large_image">` : ''}
<style>${trusted(CSS)}</style></head><body><a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">Linktally</a><nav aria-label="Site"><a href="/directory">Package directory</a></nav></header>
<main id="main">${body}</main>
<footer>Served by Linktally · pkglnk-compatible package links</footer>
<script>${trusted(SCRIPT)}</script></body></html>`.value;
}

export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Content-Security-Policy': SITE_CSP,
} as const;

export function sendPage(res: ServerResponse, method: string | undefined, status: number, page: string | Buffer, headers: Record<string, string> = {}): void {
  const body = typeof page === 'string' ? Buffer.from(page) : page;
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': body.length, ...headers });
  res.end(method === 'HEAD' ? undefined : body);
}
