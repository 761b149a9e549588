import { MigrationInterface, QueryRunner } from "typeorm";

export class AddCommentHidden1700000000502 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = 0`);
        await queryRunner.query(`ALTER TABLE "comment" ADD "hidden" boolean`);
    }

    public async down(): Promise<void> {}
}
