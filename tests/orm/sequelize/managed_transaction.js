"use strict";

// outline's share_subscriptions change: a managed transaction passed to every call, so the
// calls run in one transaction (the DELETE's emptying holds for the ADD COLUMN, and the NOT NULL
// column proves the table empty for the index build after it). Before: each call on its own,
// add-column-not-null-without-default and create-index-without-concurrently HIGH.
module.exports = {
  async up(queryInterface, Sequelize) {
    return queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.bulkDelete("share_subscriptions", {}, { transaction });
      await queryInterface.addColumn(
        "share_subscriptions",
        "documentId",
        { type: Sequelize.UUID, allowNull: false },
        { transaction }
      );
      await queryInterface.addIndex("share_subscriptions", ["documentId"], { transaction });
    });
  },

  // down() makes a transaction of its own, as outline's does.
  async down(queryInterface) {
    return queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.removeColumn("share_subscriptions", "documentId", { transaction });
    });
  },
};
