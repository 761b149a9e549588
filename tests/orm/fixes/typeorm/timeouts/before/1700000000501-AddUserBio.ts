import { MigrationInterface, QueryRunner } from "typeorm";

export class AddUserBio1700000000501 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '1min'`);
        await queryRunner.query(`ALTER TABLE "user" ADD "bio" text`);
    }

    public async down(): Promise<void> {}
}
