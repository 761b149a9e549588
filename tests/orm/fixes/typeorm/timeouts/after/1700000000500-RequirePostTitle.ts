import { MigrationInterface, QueryRunner } from "typeorm";

export class RequirePostTitle1700000000500 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query("SET application_name = 'migration'");
        await queryRunner.query("SET idle_in_transaction_session_timeout = '10s'");
        await queryRunner.query("SET lock_timeout = '2s'");
        await queryRunner.query("SET statement_timeout = '5min'");
        await queryRunner.query(`ALTER TABLE "post" ALTER COLUMN "title" SET NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "post" ALTER COLUMN "title" DROP NOT NULL`);
    }
}
