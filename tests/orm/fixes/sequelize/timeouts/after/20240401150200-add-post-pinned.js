'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query("SET application_name = 'migration'");
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.addColumn('posts', 'pinned', { type: Sequelize.BOOLEAN });
  },

  async down() {},
};
