import { ensureDatabase } from '../db/ensure-database';
import { createDb } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { processLogger, settingsOrExit } from './lifecycle';

/** Procfile `release`: create the database when missing and apply migrations. */
export async function release(): Promise<void> {
  const config = settingsOrExit();
  const logger = processLogger(config, 'release');
  const created = await ensureDatabase(config.databaseUrl);
  if (created) logger.info({ category: 'db' }, 'database created');
  const db = createDb(config.databaseUrl, { max: 1 });
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
