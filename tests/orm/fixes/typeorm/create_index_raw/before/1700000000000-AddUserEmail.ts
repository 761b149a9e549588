import { MigrationInterface, QueryRunner } from "typeorm";

export class AddUserEmail1700000000000 implements MigrationInterface {
    name = "AddUserEmail1700000000000";

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD "nickname" character varying`);
        await queryRunner.query(`CREATE INDEX "IDX_user_email" ON "user" ("email") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_user_email"`);
        await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "nickname"`);
    }
}
