'use strict';

async function drop(qi, name) {
  await qi.dropTable(name);
}

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface['dropTable']('users');
    await queryInterface.sequelize['query']('TRUNCATE orders CASCADE');
    await drop(queryInterface, 'carts');
    const { sequelize } = queryInterface;
    await sequelize.query('DROP TABLE invoices');
    await this.helper(queryInterface);
    await queryInterface.someNewApi('x');
  },

  async helper(qi) {
    await qi.sequelize.query('DROP TABLE coupons');
  },

  async down() {},
};
