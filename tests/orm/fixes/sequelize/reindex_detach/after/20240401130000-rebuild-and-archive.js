'use strict';

module.exports = {
  up: async (queryInterface) => {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.sequelize.query('REINDEX INDEX CONCURRENTLY posts_title_idx');
    await queryInterface.sequelize.query('ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY');
  },
  down: async () => {},
};
