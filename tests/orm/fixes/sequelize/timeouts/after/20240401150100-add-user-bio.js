'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query("SET application_name = 'migration'");
    await queryInterface.sequelize.query("SET lock_timeout = '10000ms'");
    await queryInterface.addColumn('users', 'bio', { type: Sequelize.TEXT });
  },

  async down() {},
};
