import { MigrationInterface, QueryRunner, TableIndex } from "typeorm";

export class IndexPostScore1700000000100 implements MigrationInterface {
    // The index is built CONCURRENTLY, which cannot run in a transaction (migrationsTransactionMode "each").
    transaction = false;

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query("SET lock_timeout = '2s'");
        await queryRunner.query("SET statement_timeout = '5min'");
        await queryRunner.createIndex(
            "post",
            new TableIndex({ name: "IDX_post_score", columnNames: ["score"], isConcurrent: true }),
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropIndex("post", "IDX_post_score");
    }
}
