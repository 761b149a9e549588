'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET application_name = 'migration'");
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.sequelize.query("SET statement_timeout = '10min'");
    await queryInterface.sequelize.query('ALTER TABLE users ALTER COLUMN email SET NOT NULL');
  },

  async down() {},
};
