import type { Knex } from 'knex';

/**
 * The foreign key from clicks to links ran a referential check per stored click (about a fifth
 * of the insert's time, measured with EXPLAIN ANALYZE on 500-row batches). Its guarantee is kept
 * without it: the only writer of clicks (db/click-store.ts storeClicks) locks the batch's links
 * (FOR NO KEY UPDATE) before inserting and drops the clicks of a link that is gone, so a link
 * cannot be deleted under an insert; and deleting a link still deletes its clicks, in the same
 * transaction, by this trigger (as ON DELETE CASCADE did, through links_user_id cascades too).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION delete_link_clicks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM clicks WHERE link_id = OLD.id;
      RETURN OLD;
    END $$`);
  await knex.raw('CREATE TRIGGER links_delete_clicks AFTER DELETE ON links FOR EACH ROW EXECUTE FUNCTION delete_link_clicks()');
  await knex.raw('ALTER TABLE clicks DROP CONSTRAINT clicks_link_id_fkey');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DELETE FROM clicks c WHERE NOT EXISTS (SELECT 1 FROM links l WHERE l.id = c.link_id)');
  await knex.raw('ALTER TABLE clicks ADD CONSTRAINT clicks_link_id_fkey FOREIGN KEY (link_id) REFERENCES links(id) ON DELETE CASCADE');
  await knex.raw('DROP TRIGGER links_delete_clicks ON links');
  await knex.raw('DROP FUNCTION delete_link_clicks()');
}
