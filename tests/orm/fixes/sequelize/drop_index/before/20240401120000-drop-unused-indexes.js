'use strict';

const CLEANUP = require('./cleanup');

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.removeIndex('posts', 'posts_title_idx');
    await queryInterface.sequelize.query('DROP INDEX users_name_idx');
    await queryInterface.sequelize.query(CLEANUP.sql);
  },

  async down() {},
};
