import { MigrationInterface, QueryRunner } from "typeorm";

export class AddPostUserForeignKey1700000000400 implements MigrationInterface {
    name = "AddPostUserForeignKey1700000000400";

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(
            `ALTER TABLE "post" ADD CONSTRAINT "FK_post_user" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "post" DROP CONSTRAINT "FK_post_user"`);
    }
}
