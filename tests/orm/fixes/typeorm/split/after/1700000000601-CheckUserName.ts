import { MigrationInterface, QueryRunner } from "typeorm";

export class CheckUserName1700000000601 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD CONSTRAINT "CHK_user_name" CHECK ("name" <> '') NOT VALID`);
    }

    public async down(): Promise<void> {}
}
