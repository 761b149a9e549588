'use strict';

module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.addColumn('Users', 'isAdmin', {
      type: Sequelize.BOOLEAN,
      allowNull: false,
      defaultValue: false,
    });
    await queryInterface.addColumn('Users', 'status', { type: Sequelize.ENUM('active', 'banned') });
    await queryInterface.changeColumn('Users', 'email', { type: Sequelize.STRING(320), allowNull: false });
    await queryInterface.removeColumn('Users', 'legacy');
    await queryInterface.renameColumn('Users', 'name', 'fullName');
    await queryInterface.addIndex('Users', ['CollectiveId', 'createdAt'], { concurrently: true });
    await queryInterface.addIndex('Users', { fields: ['email'], unique: true, name: 'users_email' });
    await queryInterface.addConstraint('Orders', {
      type: 'foreign key',
      fields: ['UserId'],
      name: 'orders_user_fk',
      references: { table: 'Users', field: 'id' },
      onDelete: 'cascade',
    });
    await queryInterface.createTable('Tokens', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
      value: { type: DataTypes.TEXT, allowNull: false },
      UserId: { type: Sequelize.INTEGER, references: { model: 'Users', key: 'id' }, onDelete: 'CASCADE' },
      createdAt: { type: Sequelize.DATE, defaultValue: Sequelize.NOW },
    });
    await queryInterface.removeIndex('Users', 'users_old_idx');
    await queryInterface.dropTable('Sessions');
  },

  down: async (queryInterface) => {
    await queryInterface.dropTable('Tokens');
  },
};
