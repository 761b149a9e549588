import { MigrationInterface, QueryRunner } from "typeorm";

export class RequireCommentBody1700000000503 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query("SET application_name = 'migration'");
        await queryRunner.query("SET idle_in_transaction_session_timeout = '10s'");
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query("SET statement_timeout = '10min'");
        await queryRunner.query(`ALTER TABLE "comment" ALTER COLUMN "body" SET NOT NULL`);
    }

    public async down(): Promise<void> {}
}
