// An unmanaged transaction (committed by the script): not read as one, so the statements are
// analysed one by one, and a fix's query is told to pass the transaction.
module.exports = {
  async up(queryInterface, Sequelize) {
    const transaction = await queryInterface.sequelize.transaction();
    try {
      await queryInterface.bulkDelete("share_subscriptions", {}, { transaction });
      await queryInterface.addColumn("share_subscriptions", "documentId3", { type: Sequelize.UUID, allowNull: false }, { transaction });
      await transaction.commit();
    } catch (err) {
      await transaction.rollback();
      throw err;
    }
  },
};
