'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.addConstraint('posts', {
      fields: ['user_id'],
      type: 'foreign key',
      name: 'posts_user_id_fkey',
      references: { table: 'users', field: 'id' },
      onDelete: 'cascade',
    });
  },

  async down(queryInterface) {
    await queryInterface.removeConstraint('posts', 'posts_user_id_fkey');
  },
};
