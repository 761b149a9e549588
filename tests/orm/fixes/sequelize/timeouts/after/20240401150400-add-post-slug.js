'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    return queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.sequelize.query("SET application_name = 'migration'", { transaction });
      await queryInterface.sequelize.query("SET lock_timeout = '2s'", { transaction });
      await queryInterface.addColumn('posts', 'slug', { type: Sequelize.TEXT }, { transaction });
      await queryInterface.addColumn('posts', 'summary', { type: Sequelize.TEXT }, { transaction });
    });
  },

  async down() {},
};
