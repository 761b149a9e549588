import { MigrationInterface, QueryRunner } from "typeorm";

export class AddChecks1700000000402 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD CONSTRAINT "CHK_user_email" CHECK ("email" <> '')`);
    }

    public async down(): Promise<void> {}
}
