'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query('SET lock_timeout = 0');
    await queryInterface.addColumn('posts', 'pinned', { type: Sequelize.BOOLEAN });
  },

  async down() {},
};
