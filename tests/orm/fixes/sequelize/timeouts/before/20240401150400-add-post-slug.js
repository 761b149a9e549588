'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    return queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.addColumn('posts', 'slug', { type: Sequelize.TEXT }, { transaction });
      await queryInterface.addColumn('posts', 'summary', { type: Sequelize.TEXT }, { transaction });
    });
  },

  async down() {},
};
