/**
 * Custom domain hostnames: lower-case DNS names of at least two labels, no port, no trailing
 * dot, no IP address (a domain is verified by name). One shape for the domains API, the link
 * field and the edge's Host lookup.
 */
import { singleLine } from './schemas';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const MAX_LENGTH = 253;

export function hostnameProblem(hostname: string): string | null {
  if (hostname.length === 0) return "Hostname can't be blank";
  if (hostname.length > MAX_LENGTH) return `Hostname is too long (maximum is ${MAX_LENGTH} characters)`;
  const labels = hostname.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return 'Hostname must be a domain name such as go.example.com';
  if (/^\d+$/.test(labels[labels.length - 1] as string)) return 'Hostname must be a domain name, not an IP address';
  return null;
}

/** The Host header's name: lower case, without port or trailing dot (an IPv6 literal stays bracketed). */
export function hostOf(header: string | undefined): string {
  if (!header) return '';
  const lower = header.toLowerCase();
  const name = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.replace(/:\d*$/, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * Link cache keys: a default-domain link is its short code; a custom domain's link is
 * `<domain id>/<code>` (codes never hold '/'); a domain itself is `@<hostname>`. The same keys
 * travel over the invalidation channel.
 */
export function linkCacheKey(domainId: number | null, code: string): string {
  return domainId === null ? code : `${domainId}/${code}`;
}

export function domainCacheKey(hostname: string): string {
  return `@${hostname}`;
}

/** A hostname field: trimmed, lower-cased, then checked (hostnameProblem). */
export function hostnameField(field: string) {
  return singleLine(field, { error: `${field} must be a string` })
    .trim()
    .toLowerCase()
    .superRefine((value, ctx) => {
      const problem = hostnameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/^Hostname/, field) });
    });
}
