import { MigrationInterface, QueryRunner } from "typeorm";

export class AddUserBio1700000000501 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query("SET application_name = 'migration'");
        await queryRunner.query("SET idle_in_transaction_session_timeout = '10s'");
        await queryRunner.query("SET lock_timeout = '10000ms'");
        await queryRunner.query(`ALTER TABLE "user" ADD "bio" text`);
    }

    public async down(): Promise<void> {}
}
