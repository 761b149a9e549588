'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.sequelize.query("SET statement_timeout = '5min'");
    await queryInterface.addIndex('users', ['email'], {
      name: 'users_email_idx',
      unique: true,
      concurrently: true,
    });
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.removeIndex('users', 'users_email_idx', { concurrently: true });
  },
};
