import type { Knex } from 'knex';

/**
 * A targeting rule's target is a destination or a set of the link's variants (the usual weighted
 * choice is made among them). The set is a table, not an array, so that PostgreSQL enforces
 * both promises: a listed variant belongs to the rule's link (the foreign key is on
 * (variant_id, link_id)), and a variant in a set cannot be deleted (the API answers 409 and the
 * owner takes it out of the rules first). The key is checked at commit, not per statement:
 * deleting a whole link or account cascades to its variants and its rules (and so the sets) in
 * an order PostgreSQL chooses, and only the end result must hold.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE link_rules ALTER COLUMN destination_url DROP NOT NULL');
  await knex.raw('ALTER TABLE link_variants ADD CONSTRAINT link_variants_id_link_id_unique UNIQUE (id, link_id)');
  await knex.raw(`
    CREATE TABLE link_rule_variants (
      rule_id bigint NOT NULL REFERENCES link_rules(id) ON DELETE CASCADE,
      link_id bigint NOT NULL,
      variant_id bigint NOT NULL,
      PRIMARY KEY (rule_id, variant_id),
      CONSTRAINT link_rule_variants_variant_fkey FOREIGN KEY (variant_id, link_id) REFERENCES link_variants(id, link_id)
        DEFERRABLE INITIALLY DEFERRED
    )`);
  // The foreign key's check when a variant is deleted.
  await knex.raw('CREATE INDEX link_rule_variants_variant_index ON link_rule_variants (variant_id, link_id)');
}

/** Down fails while a rule has no destination of its own (it cannot be told where to send). */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE link_rule_variants');
  await knex.raw('ALTER TABLE link_variants DROP CONSTRAINT link_variants_id_link_id_unique');
  await knex.raw('ALTER TABLE link_rules ALTER COLUMN destination_url SET NOT NULL');
}
