import type { MigrationFn } from "umzug";
import type { QueryInterface } from "sequelize";

export const up: MigrationFn<QueryInterface> = async ({ context: queryInterface }) => {
  await queryInterface.sequelize.query("SET lock_timeout = '2s'");
  await queryInterface.sequelize.query(
    'CREATE INDEX CONCURRENTLY "posts_user_id_idx" ON "posts" ("user_id") WHERE "user_id" IS NOT NULL',
  );
};

export const down: MigrationFn<QueryInterface> = async ({ context: queryInterface }) => {
  await queryInterface.sequelize.query('DROP INDEX CONCURRENTLY "posts_user_id_idx"');
};
