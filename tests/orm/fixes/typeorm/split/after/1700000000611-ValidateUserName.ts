import { MigrationInterface, QueryRunner } from "typeorm";

export class ValidateUserName1700000000611 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" VALIDATE CONSTRAINT "CHK_user_name"`);
    }

    public async down(): Promise<void> {}
}
