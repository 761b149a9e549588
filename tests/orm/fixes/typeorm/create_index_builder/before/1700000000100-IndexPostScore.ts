import { MigrationInterface, QueryRunner, TableIndex } from "typeorm";

export class IndexPostScore1700000000100 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createIndex(
            "post",
            new TableIndex({ name: "IDX_post_score", columnNames: ["score"] }),
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropIndex("post", "IDX_post_score");
    }
}
