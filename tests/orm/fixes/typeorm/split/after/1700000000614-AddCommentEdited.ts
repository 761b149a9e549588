import { MigrationInterface, QueryRunner } from "typeorm";

export class AddCommentEdited1700000000614 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "comment" ADD "edited" boolean`);
    }

    public async down(): Promise<void> {}
}
