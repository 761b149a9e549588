import { MigrationInterface, QueryRunner } from "typeorm";

export class LinkComments1700000000604 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(
            `ALTER TABLE "comment" ADD CONSTRAINT "FK_comment_post" FOREIGN KEY ("postId") REFERENCES "post"("id") NOT VALID`,
        );
    }

    public async down(): Promise<void> {}
}
