// createFunction as Sequelize's PostgreSQL query generator builds it; a part not read is unknown.
module.exports = {
  async up(queryInterface) {
    await queryInterface.createFunction('touch', [], 'trigger', 'plpgsql', 'NEW.updated_at = now(); RETURN NEW;', [], { force: true });
    await queryInterface.createFunction('add_one', [{ type: 'integer', name: 'x', direction: 'IN' }], 'integer', 'plpgsql',
      'RETURN x + n;', ['IMMUTABLE'], { variables: [{ name: 'n', type: 'integer', default: '1' }] });
    await queryInterface.createFunction('later', params, 'integer', 'plpgsql', 'RETURN 1;');
  },
};
