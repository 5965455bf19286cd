import type { CachedLink } from './link-cache';

export type Verdict =
  | { kind: 'redirect'; link: CachedLink }
  | { kind: 'password'; link: CachedLink }
  | { kind: 'not_found' }
  | { kind: 'gone' };

/** Whether a link may be followed right now. Pure: the clock is an argument. */
export function judgeLink(link: CachedLink | null, now: number): Verdict {
  if (!link || link.archived || !link.active) return { kind: 'not_found' };
  if (link.startsAt !== null && now < link.startsAt) return { kind: 'not_found' };
  if (link.endsAt !== null && now > link.endsAt) return { kind: 'not_found' };
  if (link.expires && (link.expiresAt === null || now >= link.expiresAt)) return { kind: 'gone' };
  if (link.passwordHash !== null) return { kind: 'password', link };
  return { kind: 'redirect', link };
}
