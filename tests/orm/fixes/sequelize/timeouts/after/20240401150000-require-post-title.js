'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query("SET application_name = 'migration'");
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.sequelize.query("SET statement_timeout = '5min'");
    await queryInterface.changeColumn('posts', 'title', {
      type: Sequelize.TEXT,
      allowNull: false,
    });
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.changeColumn('posts', 'title', {
      type: Sequelize.TEXT,
      allowNull: true,
    });
  },
};
