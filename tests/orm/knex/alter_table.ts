import { Knex } from 'knex';

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.boolean('active').notNullable().defaultTo(true);
    t.jsonb('settings');
    t.dropColumn('legacy');
    t.renameColumn('name', 'full_name');
    t.string('plan', 32).notNullable().alter();
    t.unique(['email'], { indexName: 'accounts_email_key' });
    t.dropForeign('owner_id');
  });
  if (!(await knex.schema.hasColumn('accounts', 'tier'))) {
    await knex.schema.table('accounts', (t) => {
      t.specificType('tier', 'smallint');
    });
  }
  await knex.raw('UPDATE accounts SET tier = ? WHERE tier IS NULL', [1]);
  await knex.schema.renameTable('accounts', 'customers');
  const name = process.env.TABLE;
  await knex.raw(`DROP TABLE ${name}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.renameTable('customers', 'accounts');
}
