module.exports = {
  async up(knex) {
    await knex.raw("SET lock_timeout = '2s'");
    await knex.raw('REINDEX INDEX CONCURRENTLY posts_title_idx');
    await knex.raw('ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY');
  },
  async down() {},
};

// Neither statement can run inside a transaction.
module.exports.config = { transaction: false };
