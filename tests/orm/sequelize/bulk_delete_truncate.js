// bulkDelete with options.truncate sends truncateTableQuery() (RESTART IDENTITY, CASCADE as the
// options say); a where of undefined selects every row; options not read are unknown.
module.exports = {
  async up(queryInterface) {
    await queryInterface.bulkDelete('users', { id: 1 }, { truncate: true, restartIdentity: true, cascade: true });
    await queryInterface.bulkDelete('orders', null, { truncate: false });
    await queryInterface.bulkDelete('carts', undefined);
    await queryInterface.bulkUpdate('coupons', { status: 'void' }, undefined);
    await queryInterface.bulkDelete('sessions', { id: 1 }, { truncate: process.env.FAST });
  },
};
