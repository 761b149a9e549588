import { MigrationInterface, QueryRunner } from "typeorm";

export class AddUserEmailIndex1700000000001 implements MigrationInterface {
    name = "AddUserEmailIndex1700000000001";
    // CREATE INDEX CONCURRENTLY cannot run in a transaction (migrationsTransactionMode "each").
    transaction = false;

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_user_email" ON "user" ("email") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX CONCURRENTLY "public"."IDX_user_email"`);
    }
}
