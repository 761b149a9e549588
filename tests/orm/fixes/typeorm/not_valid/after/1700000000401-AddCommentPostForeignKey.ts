import { MigrationInterface, QueryRunner } from "typeorm";

export class AddCommentPostForeignKey1700000000401 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        // createForeignKey has no NOT VALID option.
        await queryRunner.query(
            `ALTER TABLE "comment" ADD CONSTRAINT "FK_comment" FOREIGN KEY ("postId") REFERENCES "post"("id") ON DELETE CASCADE NOT VALID`,
        );
    }

    public async down(): Promise<void> {}
}
