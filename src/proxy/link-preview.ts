import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../lib/html';
import { sendHtml } from './pages';

/** What a link shows link-preview crawlers; present only when the owner set one of its fields. */
export interface CachedPreview {
  title: string | null;
  description: string | null;
  imageUrl: string | null;
}

/**
 * The link-preview crawlers of chat apps and social networks (Slack, Discord, X/Twitter,
 * Facebook/Meta, LinkedIn, iMessage — which sends "facebookexternalhit … Twitterbot" —,
 * WhatsApp, Telegram, Skype/Teams, Pinterest, Reddit, Mastodon, Bluesky, Viber, VK, Embedly).
 * One precompiled regex rather than isbot: it runs on the redirect path, and a general bot
 * (a monitor, curl in a script) must keep getting the 302, not a page.
 */
const PREVIEW_CRAWLER = /slackbot|slack-imgproxy|discordbot|twitterbot|facebookexternalhit|facebot|meta-externalagent|linkedinbot|whatsapp|telegrambot|skypeuripreview|microsoftpreview|pinterestbot|redditbot|mastodon|bluesky|cardyb|viber|vkshare|embedly|iframely/i;

export function isPreviewCrawler(userAgent: string | undefined): boolean {
  return userAgent !== undefined && PREVIEW_CRAWLER.test(userAgent);
}

function meta(attribute: 'property' | 'name', key: string, value: string | null): string {
  return value === null ? '' : `<meta ${attribute}="${key}" content="${escapeHtml(value)}">`;
}

/** A small page of Open Graph and Twitter card tags; every owner-written value is escaped. */
export function previewPage(preview: CachedPreview, shortUrl: string, destination: string): string {
  const title = preview.title ?? shortUrl;
  const tags = [
    meta('property', 'og:type', 'website'),
    meta('property', 'og:url', shortUrl),
    meta('property', 'og:title', title),
    meta('property', 'og:description', preview.description),
    meta('property', 'og:image', preview.imageUrl),
    meta('name', 'twitter:card', preview.imageUrl !== null ? 'summary_large_image' : 'summary'),
    meta('name', 'twitter:title', title),
    meta('name', 'twitter:description', preview.description),
    meta('name', 'twitter:image', preview.imageUrl),
    meta('name', 'description', preview.description),
  ].join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${tags}</head><body><a href="${escapeHtml(destination)}">${escapeHtml(title)}</a></body></html>`;
}

/** 200 with the preview page; not a click (the caller records none). */
export function sendPreview(res: ServerResponse, preview: CachedPreview, shortUrl: string, destination: string): void {
  // Crawlers re-fetch rarely and cache on their side; a short shared cache keeps edits visible.
  sendHtml(res, 200, previewPage(preview, shortUrl, destination), { 'Cache-Control': 'public, max-age=300', Vary: 'User-Agent' });
}
