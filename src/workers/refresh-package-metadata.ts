import { findMetadataTarget, recordMetadata, recordMetadataError } from '../db/package-metadata-store';
import { normalisePath, normaliseRef, upstreamRepoUrl } from '../lib/git-url';
import { cleanText, readManifest } from '../lib/package-manifest';
import { renderReadme } from '../lib/readme-html';
import type { Services } from '../services';
import { fetchGithubStars } from './github-stars';
import { fetchUpstreamFiles, UpstreamFetchError } from './upstream-files';

export type MetadataOutcome = { outcome: 'updated' } | { outcome: 'failed'; error: string } | { outcome: 'gone' };

/**
 * One package's metadata from its own package.json (and README) at its git_path and git_ref,
 * and its GitHub stars. An upstream that cannot be read is the package's state, recorded as
 * metadata_error (the job completes); a database failure throws, and the job retries.
 */
export async function refreshPackageMetadata(services: Services, data: { packageId: number }): Promise<MetadataOutcome> {
  const target = await findMetadataTarget(services.db, data.packageId);
  if (!target) return { outcome: 'gone' };
  const starsPending = fetchGithubStars(services.config, target);
  const fail = async (error: string): Promise<MetadataOutcome> => {
    await recordMetadataError(services.db, target.id, error, await starsPending);
    services.logger.info({ category: 'metadata', slug: target.slug, error }, 'package metadata not read');
    return { outcome: 'failed', error };
  };

  // Stored values passed the API's rules; checked again because they become git arguments.
  const folder = normalisePath(target.git_path ?? '');
  const ref = normaliseRef(target.git_ref ?? '');
  if (!folder.ok || !ref.ok) return fail('the package location is not valid');

  let files;
  try {
    files = await fetchUpstreamFiles({ repoUrl: upstreamRepoUrl(services.config.gitUpstreams, target), ref: ref.value, folder: folder.value, timeoutMs: services.config.metadataFetchTimeoutMs });
  } catch (err) {
    if (err instanceof UpstreamFetchError) return fail(err.message);
    throw err;
  }
  const manifest = readManifest(files.packageJson ?? '');
  if (!manifest.ok) return fail(manifest.error);
  const readme = files.readme === null ? null : cleanText(files.readme);
  // Rendered here, once per fetch, so no page view waits for Markdown.
  const readmeHtml = readme === null ? null : await renderReadme(readme, target);
  await recordMetadata(services.db, target.id, { manifest: manifest.value, readme, readmeHtml, githubStars: await starsPending });
  return { outcome: 'updated' };
}
