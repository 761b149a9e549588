'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    return queryInterface.sequelize.transaction(async (t) => {
      await queryInterface.addColumn('posts', 'lede', { type: Sequelize.TEXT }, { transaction: t });
      await queryInterface.addColumn('posts', 'byline', { type: Sequelize.TEXT }, { transaction: t });
    });
  },

  async down() {},
};
