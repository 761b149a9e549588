"use strict";

// A managed transaction that the calls do not pass: without CLS each call goes out on its own
// connection, outside it, so the file is not one transaction.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async () => {
      await queryInterface.bulkDelete("share_subscriptions", {});
      await queryInterface.addColumn("share_subscriptions", "documentId", { type: Sequelize.UUID, allowNull: false });
    });
  },
};
