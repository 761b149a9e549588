import { MigrationInterface, QueryRunner } from "typeorm";

export class AddCommentHidden1700000000502 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query("SET application_name = 'migration'");
        await queryRunner.query("SET idle_in_transaction_session_timeout = '10s'");
        await queryRunner.query("SET lock_timeout = '2s'");
        await queryRunner.query(`ALTER TABLE "comment" ADD "hidden" boolean`);
    }

    public async down(): Promise<void> {}
}
