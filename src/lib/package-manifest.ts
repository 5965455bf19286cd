/**
 * What a Unity package's own package.json says about it, read defensively: the file comes from a
 * repository anyone controls, so every value is checked for type, stripped of control characters
 * and lone surrogates (PostgreSQL refuses NUL), and bounded. Anything unusable is null, never
 * guessed. Pure: the metadata worker fetches the text (workers/upstream-files.ts).
 */

export interface ManifestMetadata {
  /** package.json `name`, e.g. com.example.tool. */
  package_json_name: string | null;
  /** package.json `displayName`. */
  display_name: string | null;
  description: string | null;
  version: string | null;
  /** `unity` and `unityRelease` joined: 2022.3 or 2022.3.10f1. */
  unity_version: string | null;
  /** From `keywords`, normalised (see normaliseTopics). */
  topics: string[];
}

// Under the u flag \p{Cs} matches only a surrogate that is not half of a pair (as lib/schemas.ts).
const LONE_SURROGATE = /\p{Cs}/gu;

export const MANIFEST_BOUNDS = { name: 214, displayName: 100, description: 2000, version: 64, topics: 20, topic: 40 } as const;

/** One line of text: control characters become spaces, runs of space collapse, ends trimmed; null when empty. */
export function cleanLine(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(LONE_SURROGATE, '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  return [...text].slice(0, max).join('').trim();
}

/** Text of many lines (a README): well-formed, no NUL or other control characters but tab and newline. */
export function cleanText(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]*$/;
const UNITY = /^\d{4}\.\d{1,2}$/;
const UNITY_RELEASE = /^\d{1,3}[abfpx]\d{1,3}$/;

/**
 * Keywords as topics: lower case, letters and digits of any script with single dashes between
 * words, at most 40 characters each, duplicates dropped, at most 20 — so a topic is always a
 * clean URL segment and a full-text token.
 */
export function normaliseTopics(keywords: unknown): string[] {
  if (!Array.isArray(keywords)) return [];
  const topics = new Set<string>();
  for (const keyword of keywords.slice(0, 200)) {
    if (typeof keyword !== 'string') continue;
    const topic = [...keyword.replace(LONE_SURROGATE, '').normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '')]
      .slice(0, MANIFEST_BOUNDS.topic)
      .join('')
      .replace(/-+$/, '');
    if (topic !== '') topics.add(topic);
    if (topics.size === MANIFEST_BOUNDS.topics) break;
  }
  return [...topics];
}

function unityVersion(unity: unknown, release: unknown): string | null {
  if (typeof unity !== 'string' || !UNITY.test(unity)) return null;
  return typeof release === 'string' && UNITY_RELEASE.test(release) ? `${unity}.${release}` : unity;
}

export type ManifestResult = { ok: true; value: ManifestMetadata } | { ok: false; error: string };

/** package.json text → its metadata, or why it could not be read. */
export function readManifest(text: string): ManifestResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'package.json is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, error: 'package.json is not a JSON object' };
  const manifest = parsed as Record<string, unknown>;
  const version = cleanLine(manifest.version, MANIFEST_BOUNDS.version);
  return {
    ok: true,
    value: {
      package_json_name: cleanLine(manifest.name, MANIFEST_BOUNDS.name),
      display_name: cleanLine(manifest.displayName, MANIFEST_BOUNDS.displayName),
      description: cleanLine(manifest.description, MANIFEST_BOUNDS.description),
      version: version !== null && VERSION.test(version) ? version : null,
      unity_version: unityVersion(manifest.unity, manifest.unityRelease),
      topics: normaliseTopics(manifest.keywords),
    },
  };
}
