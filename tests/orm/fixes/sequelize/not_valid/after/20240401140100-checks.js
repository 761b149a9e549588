'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.sequelize.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_email_not_empty" CHECK ("email" <> '') NOT VALID`,
    );
    await queryInterface.sequelize.query('ALTER DOMAIN rating ADD CONSTRAINT rating_positive CHECK (VALUE > 0) NOT VALID');
  },

  async down() {},
};
