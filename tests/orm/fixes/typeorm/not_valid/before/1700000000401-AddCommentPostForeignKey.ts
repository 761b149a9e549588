import { MigrationInterface, QueryRunner, TableForeignKey } from "typeorm";

export class AddCommentPostForeignKey1700000000401 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.createForeignKey(
            "comment",
            new TableForeignKey({
                columnNames: ["postId"],
                referencedTableName: "post",
                referencedColumnNames: ["id"],
                onDelete: "CASCADE",
            }),
        );
    }

    public async down(): Promise<void> {}
}
