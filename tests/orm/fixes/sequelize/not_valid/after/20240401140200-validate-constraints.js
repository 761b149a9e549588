'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.sequelize.query('ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_user_id_fkey"');
    await queryInterface.sequelize.query('ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_not_empty"');
    await queryInterface.sequelize.query('ALTER DOMAIN rating VALIDATE CONSTRAINT rating_positive');
  },

  async down() {},
};
