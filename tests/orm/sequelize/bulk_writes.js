'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.bulkDelete('sessions', null, {});
    await queryInterface['bulkDelete']('tokens', { expired: true });
    await queryInterface.bulkUpdate('users', { plan: 'free', seats: 1 }, {});
    await queryInterface.bulkUpdate('accounts', { plan: 'pro' }, { id: 7 });
  },
  async down() {},
};
