import type { Knex } from 'knex';

/**
 * Destinations are now stored in their canonical WHATWG form (`new URL(x).href`: punycode
 * host, percent-encoded path, query and fragment; src/lib/destination-url.ts), which is always
 * a legal ASCII `Location` header. This brings rows stored before that rule to the same form,
 * in links and in A/B variants. The rule is restated here rather than imported so that this
 * migration keeps meaning what it meant when it ran.
 *
 * A row the URL parser cannot read at all is left as it is (the redirect answers it with an
 * error page rather than a broken header); it can only have been written by hand.
 */

const BATCH = 1000;

function canonical(value: string): string | null {
  try {
    return new URL(value.trim()).href;
  } catch {
    return null;
  }
}

async function canonicalise(knex: Knex, table: 'links' | 'link_variants'): Promise<void> {
  let after = 0;
  for (;;) {
    const rows: Array<{ id: number; destination_url: string }> = await knex(table)
      .select('id', 'destination_url')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH);
    if (rows.length === 0) return;
    for (const row of rows) {
      const href = canonical(row.destination_url);
      if (href !== null && href !== row.destination_url) await knex(table).where('id', row.id).update({ destination_url: href });
    }
    after = Number(rows[rows.length - 1]?.id);
  }
}

export async function up(knex: Knex): Promise<void> {
  await canonicalise(knex, 'links');
  await canonicalise(knex, 'link_variants');
}

/**
 * Nothing to undo: the canonical form names the same resource as the text it replaced, and the
 * code before this migration serves it unchanged. Restoring the raw text would bring back the
 * very values (non-ASCII, control characters) that made that code's redirects throw.
 */
export async function down(): Promise<void> {}
