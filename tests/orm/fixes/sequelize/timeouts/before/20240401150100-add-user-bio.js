'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query("SET lock_timeout = '30s'");
    await queryInterface.addColumn('users', 'bio', { type: Sequelize.TEXT });
  },

  async down() {},
};
