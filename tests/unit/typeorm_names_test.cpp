// The name TypeORM records a migration class by (analyze/migrations/typeorm_names.hpp; issue #53,
// red team I1): `migration.name ?? migration.constructor.name`, each way a script decides it.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/migrations/typeorm_names.hpp"

using namespace pgfence::analyze::tools;

namespace {

// "class=name@line" per class, "class=?@line" when the name is not known.
std::string names(std::string_view text) {
    std::string out;
    for (const auto& n : typeorm_migration_names(text)) {
        out += (out.empty() ? "" : ";") + n.class_name + "=" + (n.unknown.empty() ? n.name : "?") + "@" + std::to_string(n.line);
    }
    return out;
}

const char* k_up = "  async up(q: QueryRunner): Promise<void> { await q.query(`TRUNCATE audit_log`); }\n  async down(): Promise<void> {}\n";

std::string cls(std::string head, std::string members) { return head + " {\n" + members + k_up + "}\n"; }

}  // namespace

TEST_CASE("typeorm names: the class name, a name field, a getter, the constructor") {
    const std::string head = "export class Reset1700000000001 implements MigrationInterface";
    CHECK(names(cls(head, "")) == "Reset1700000000001=Reset1700000000001@1");
    CHECK(names(cls(head, "  name = \"Reset1700000000002\";\n")) == "Reset1700000000001=Reset1700000000002@2");
    CHECK(names(cls(head, "  public readonly name: string = 'X1700000000002'\n")) == "Reset1700000000001=X1700000000002@2");
    CHECK(names(cls(head, "  name!: string;\n")) == "Reset1700000000001=Reset1700000000001@1");
    CHECK(names(cls(head, "  get name() { return \"G1700000000002\"; }\n")) == "Reset1700000000001=G1700000000002@2");
    CHECK(names(cls(head, "  get name(): string {\n    return `G1700000000002`\n  }\n")) == "Reset1700000000001=G1700000000002@2");
    CHECK(names(cls(head, "  constructor() {\n    this.name = \"C1700000000002\";\n  }\n")) == "Reset1700000000001=C1700000000002@3");
    CHECK(names(cls(head, "  constructor() { Object.assign(this, { transaction: false, name: \"A1700000000002\" }); }\n")) ==
          "Reset1700000000001=A1700000000002@2");
    CHECK(names(cls(head, "  constructor() { Object.assign(this, { transaction: false }); }\n")) == "Reset1700000000001=Reset1700000000001@1");
    CHECK(names(cls(head, "  static name = \"S1700000000002\";\n")) == "Reset1700000000001=S1700000000002@2");
    // Other members named like it are not it.
    CHECK(names(cls(head, "  private tableName = \"audit_log\";\n  names = ['a'];\n")) == "Reset1700000000001=Reset1700000000001@1");
}

TEST_CASE("typeorm names: TypeScript's CommonJS output") {
    const char* js = "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n"
                     "exports.Init1700000000000 = void 0;\nclass Init1700000000000 {\n    constructor() {\n"
                     "        this.name = 'Init1700000000000';\n    }\n    async up(queryRunner) {\n"
                     "        await queryRunner.query(`CREATE TABLE t (id int)`);\n    }\n}\n"
                     "exports.Init1700000000000 = Init1700000000000;\n";
    CHECK(names(js) == "Init1700000000000=Init1700000000000@6");
}

TEST_CASE("typeorm names: class expressions take the name JavaScript gives them") {
    CHECK(names(cls("export const M = class X1700000000000 implements MigrationInterface", "")) == "X1700000000000=X1700000000000@1");
    CHECK(names(cls("export const Reset1700000000001 = class implements MigrationInterface", "")) ==
          "Reset1700000000001=Reset1700000000001@1");
    CHECK(names(cls("module.exports = class Reset1700000000001", "")) == "Reset1700000000001=Reset1700000000001@1");
    CHECK(names(cls("export default class implements MigrationInterface", "")) == "default=default@1");
    CHECK(names(cls("module.exports = class", "")) == "=?@1");
    CHECK(names(cls("module.exports = { Reset1700000000001: class", "") + "}\n") == "Reset1700000000001=Reset1700000000001@1");
}

TEST_CASE("typeorm names: what pgfence cannot evaluate is unknown at its line") {
    const std::string head = "export class Reset1700000000001 implements MigrationInterface";
    CHECK(names(cls(head, "  name = PREFIX + \"1700000000002\";\n")) == "Reset1700000000001=?@2");
    CHECK(names(cls(head, "  get name() { return `R${Date.now()}`; }\n")) == "Reset1700000000001=?@2");
    CHECK(names(cls(head, "  constructor() {\n    this.name = pick();\n  }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  constructor() {\n    Object.assign(this, { name });\n  }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  constructor() {\n    Object.assign(this, options);\n  }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  constructor() {\n    Object.assign(this, { ...options });\n  }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  constructor() {\n    setup(this);\n  }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  constructor() {\n    this.init();\n  }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  ['na' + 'me'] = 'X1700000000002';\n")) == "Reset1700000000001=?@2");
    CHECK(names(cls(head, "  name = 'A1700000000002';\n  constructor() { this.name = 'B1700000000002'; }\n")) == "Reset1700000000001=?@3");
    CHECK(names(cls(head, "  name = '';\n")) == "Reset1700000000001=?@2");
    CHECK(names(cls("export class Reset1700000000001 extends BaseMigration", "")) == "Reset1700000000001=?@1");
    CHECK(names(cls("@Named(\"X\")\nexport class Reset1700000000001", "")) == "Reset1700000000001=?@2");
    CHECK(names(cls(head, "") + "Object.defineProperty(Reset1700000000001.prototype, 'name', { value: 'P1700000000002' });\n") ==
          "Reset1700000000001=?@5");
    CHECK(names(cls(head, "") + "Reset1700000000001.prototype.name = 'P1700000000002';\n") == "Reset1700000000001=?@5");
}
