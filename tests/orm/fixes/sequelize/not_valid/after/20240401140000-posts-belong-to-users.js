'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    // addConstraint has no NOT VALID option.
    await queryInterface.sequelize.query(
      'ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE NOT VALID',
    );
  },

  async down(queryInterface) {
    await queryInterface.removeConstraint('posts', 'posts_user_id_fkey');
  },
};
