import { MigrationInterface, QueryRunner } from "typeorm";

export class IndexCommentPost1700000000350 implements MigrationInterface {
    transaction = false;

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_comment_postId" ON "comment" ("postId")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX CONCURRENTLY "IDX_comment_postId"`);
    }
}
