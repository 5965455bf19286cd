/**
 * How much of a visitor's User-Agent and Referer the edge keeps: what enrichment needs, so that
 * a request with huge headers (Node accepts 16 KB of them) costs the edge buffers and the queue
 * no more than an ordinary one.
 *
 * - User-Agent, 512 characters: ua-parser-js reads only the first 500 (its UA_MAX_LENGTH), the
 *   bot patterns and git's "git/2.43.0" sit at the start, and the keyed hash is taken of this
 *   bounded form everywhere (visitor-hash.ts), so a postback's long user agent still matches.
 * - Referer, 1024 characters: only its host is stored (referrer_domain). Scheme, credentials
 *   and a host (at most 253 characters) fit well inside, and a URL cut in its path still parses.
 *
 * Header values are read one byte per character, so for them these are bytes.
 */
export const USER_AGENT_MAX_LENGTH = 512;
export const REFERRER_MAX_LENGTH = 1024;

/**
 * The first `max` characters, as a string of their own: V8 may keep a slice as a view of the
 * whole header string, which would hold its memory in the buffer all the same.
 */
function bounded(value: string, max: number): string {
  return value.length <= max ? value : Buffer.from(value.slice(0, max), 'utf8').toString('utf8');
}

export function boundUserAgent(value: string): string {
  return bounded(value, USER_AGENT_MAX_LENGTH);
}

export function boundReferrer(value: string | null): string | null {
  return value === null ? null : bounded(value, REFERRER_MAX_LENGTH);
}
