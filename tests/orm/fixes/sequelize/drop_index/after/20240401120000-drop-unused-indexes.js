'use strict';

// Reviewed: ./cleanup holds the SQL string only (it is not in this fixture's folder).
// pgfence-ignore: unknown-statement -- reviewed, see above
const CLEANUP = require('./cleanup');

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.removeIndex('posts', 'posts_title_idx', { concurrently: true });
    await queryInterface.sequelize.query('DROP INDEX CONCURRENTLY IF EXISTS users_name_idx');
    // Reviewed with pgfence trace: CLEANUP.sql deletes expired sessions in batches.
    // pgfence-ignore: unknown-statement -- reviewed, see above
    await queryInterface.sequelize.query(CLEANUP.sql);
  },

  async down() {},
};
