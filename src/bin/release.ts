import { ensureDatabase } from '../db/ensure-database';
import { createDb } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { pgAddress } from '../db/pg-connection';
import type { Settings } from '../config';
import type { Logger } from '../logger';
import { processLogger, settingsOrExit } from './lifecycle';
import { unreachable } from './preflight';

/** Procfile `release`: create the database when missing and apply migrations. */
export async function release(): Promise<void> {
  const settings = settingsOrExit();
  await releaseWith(settings, processLogger(settings, 'release'));
}

export async function releaseWith(config: Pick<Settings, 'databaseUrl' | 'databaseSsl'>, logger: Logger): Promise<void> {
  let created: boolean;
  try {
    created = await ensureDatabase(config.databaseUrl, config.databaseSsl);
  } catch (err) {
    throw unreachable('PostgreSQL', 'DATABASE_URL', pgAddress(config.databaseUrl), err);
  }
  if (created) logger.info({ category: 'db' }, 'database created');
  const db = createDb(config.databaseUrl, { max: 1, ssl: config.databaseSsl });
  try {
    const applied = await migrateLatest(db);
    logger.info({ category: 'db', applied }, applied.length ? 'migrations applied' : 'database is up to date');
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  release().catch((err: unknown) => {
    process.stderr.write(`release failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
