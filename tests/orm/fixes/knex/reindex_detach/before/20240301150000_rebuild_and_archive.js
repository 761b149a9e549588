module.exports = {
  async up(knex) {
    await knex.raw("SET lock_timeout = '2s'");
    await knex.raw('REINDEX INDEX posts_title_idx');
    await knex.raw('ALTER TABLE events DETACH PARTITION events_2023');
    await knex.schema.alterTable('users', (table) => {
      table.boolean('archived');
    });
  },
  async down() {},
};
