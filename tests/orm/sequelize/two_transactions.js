// Two managed transactions: not one transaction for the file.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.bulkDelete("share_subscriptions", {}, { transaction });
    });
    await queryInterface.sequelize.transaction(async (transaction) => {
      await queryInterface.addColumn("share_subscriptions", "documentId4", { type: Sequelize.UUID, allowNull: false }, { transaction });
    });
  },
};
