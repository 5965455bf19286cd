/**
 * A/B destination variants at the edge: which variant a visitor gets, and how they keep it.
 * Pure functions over the cached link, so the redirect stays synchronous and the choice is
 * testable without HTTP.
 *
 * Stickiness is a per-link cookie holding the chosen variant's id, scoped to the short link's
 * own path. A returning visitor keeps their variant while it is still active with a weight
 * above 0; otherwise (or with no cookie) a fresh weighted pick is made and the cookie reset.
 */

export interface CachedVariant {
  id: number;
  /** Variant destination with the link's UTM parameters already merged. */
  destination: string;
  weight: number;
}

/** How long a visitor keeps their variant. */
export const VARIANT_COOKIE_MAX_AGE_S = 30 * 24 * 3600;

export function variantCookieName(linkId: number): string {
  return `lt_v${linkId}`;
}

/**
 * Weighted pick: `random` is uniform in [0, 1). Weights are relative and need not sum to 100;
 * a weight of 0 can never be chosen (its slice of the line is empty). Null when nothing has
 * weight, so the caller falls back to the link's own destination.
 */
export function pickVariant(variants: readonly CachedVariant[], random: number): CachedVariant | null {
  let total = 0;
  for (const v of variants) total += v.weight;
  if (total <= 0) return null;
  const point = random * total;
  let upTo = 0;
  for (const v of variants) {
    upTo += v.weight;
    if (point < upTo && v.weight > 0) return v;
  }
  // Only reachable through floating-point edge cases at random ≈ 1: the last weighted variant.
  for (let i = variants.length - 1; i >= 0; i--) if ((variants[i] as CachedVariant).weight > 0) return variants[i] as CachedVariant;
  return null;
}

/** The variant id in this link's cookie, if the Cookie header carries one. */
export function cookieVariantId(cookieHeader: string | undefined, linkId: number): number | undefined {
  if (!cookieHeader) return undefined;
  const name = variantCookieName(linkId);
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
  }
  return undefined;
}

export interface VariantDecision {
  variant: CachedVariant | null;
  /** Set-Cookie value when the visitor's stored choice must be (re)written. */
  setCookie: string | null;
}

/**
 * The returning visitor's variant if it is still eligible, else a weighted pick. `path` scopes
 * the cookie to the short link, so one link's choice never travels with another's requests.
 */
export function decideVariant(linkId: number, variants: readonly CachedVariant[], cookieHeader: string | undefined, path: string, random: number): VariantDecision {
  if (variants.length === 0) return { variant: null, setCookie: null };
  const remembered = cookieVariantId(cookieHeader, linkId);
  if (remembered !== undefined) {
    const kept = variants.find((v) => v.id === remembered && v.weight > 0);
    if (kept) return { variant: kept, setCookie: null };
  }
  const variant = pickVariant(variants, random);
  if (!variant) return { variant: null, setCookie: null };
  const setCookie = `${variantCookieName(linkId)}=${variant.id}; Max-Age=${VARIANT_COOKIE_MAX_AGE_S}; Path=${path}; HttpOnly; SameSite=Lax`;
  return { variant, setCookie };
}
