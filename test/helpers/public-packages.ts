import { insertPackage } from '../../src/db/package-store';
import type { Services } from '../../src/services';
import { createAccount } from './accounts';

/** A package as the metadata worker leaves it, inserted directly (for a new account unless `userId` is given): for the card and page tests. */
export async function seedPublicPackage(services: Services, fields: { slug: string; is_private?: boolean; display_name?: string; description?: string | null; topics?: string[]; readme?: string | null; total_installs?: number; github_stars?: number | null; userId?: number; is_listed?: boolean }): Promise<number> {
  const userId = fields.userId ?? (await createAccount(services)).user.id;
  const row = await insertPackage(services.db, userId, {
    slug: fields.slug, display_name: fields.display_name ?? 'Acme Tool', description: fields.description ?? 'Tools for acme things',
    git_platform: 'github', git_owner: 'acme', git_repo: 'tool', git_path: 'Packages/com.acme.tool', git_ref: 'v1.0.0', is_private: fields.is_private ?? false, is_listed: fields.is_listed ?? true,
  });
  await services.db('packages').where({ id: row.id }).update({
    package_json_name: 'com.acme.tool', version: '1.0.0', unity_version: '2022.3.10f1', topics: fields.topics ?? ['editor-tools', 'ui'],
    readme: fields.readme ?? '# Acme Tool\n\nInstall it.\n', total_installs: fields.total_installs ?? 1234, github_stars: fields.github_stars ?? 42, metadata_fetched_at: new Date(),
  });
  return row.id;
}
