'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query("SET lock_timeout = '2s'");
    await queryInterface.addConstraint('users', {
      fields: ['email'],
      type: 'check',
      name: 'users_email_not_empty',
      where: { email: { [require('sequelize').Op.ne]: '' } },
    });
    await queryInterface.sequelize.query('ALTER DOMAIN rating ADD CONSTRAINT rating_positive CHECK (VALUE > 0)');
  },

  async down() {},
};
