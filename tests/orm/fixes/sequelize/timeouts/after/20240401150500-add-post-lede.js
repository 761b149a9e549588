'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    return queryInterface.sequelize.transaction(async (t) => {
      await queryInterface.sequelize.query("SET application_name = 'migration'", { transaction: t });
      await queryInterface.sequelize.query("SET lock_timeout = '2s'", { transaction: t });
      await queryInterface.addColumn('posts', 'lede', { type: Sequelize.TEXT }, { transaction: t });
      await queryInterface.addColumn('posts', 'byline', { type: Sequelize.TEXT }, { transaction: t });
    });
  },

  async down() {},
};
