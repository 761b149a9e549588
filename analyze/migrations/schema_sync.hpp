#pragma once
// Schema synchronisation from an ORM's models: TypeORM's `synchronize: true` (and `dropSchema`)
// and Sequelize's `sync({ alter: true })` / `sync({ force: true })`, Hibernate's ddl-auto /
// hbm2ddl.auto / schema-generation action set to create, drop or update (tool "hibernate", its
// models the Java and Kotlin @Entity classes) make the ORM compute DDL from
// the entity and model files every time the application starts, outside any migration pgfence
// reads. Where a project turns it on, the setting is an unknown statement (the DDL is computed at
// run time), and in `pr` an entity or model file the pull request changes is one too.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct SchemaSync {
    int line = 1;
    std::string why;   // printable
    std::string tool;  // "typeorm", "sequelize", "prisma", "drizzle": whose models it applies
};

// The schema synchronisation commands of `text` (the file `path`: its language says which lines are
// comments; a workflow, package.json script, Procfile,
// Dockerfile, compose file, shell script): `prisma db push`, `drizzle-kit push`, `typeorm
// schema:sync`. Every command that applies models to the database is one class with the settings
// below: the models it reads are unknown statements when a pull request changes them.
[[nodiscard]] std::vector<SchemaSync> schema_sync_commands(std::string_view text, std::string_view path = {});

// The settings of `text` that make an ORM change the schema when the application starts, and the
// commands above.
[[nodiscard]] std::vector<SchemaSync> schema_sync_settings(std::string_view text, std::string_view path = {});

// The line of the entity or model `text` (at `path`) declares, and whose: TypeORM @Entity /
// @ViewEntity ("typeorm"), Sequelize define() or Model.init() ("sequelize"), a Prisma schema
// file ("prisma", a .prisma file: its first model, enum or datasource), a Drizzle schema
// (drizzle-orm's pgTable(), pgEnum()...: "drizzle"). Line 0 when it declares none.
struct ModelDecl {
    int line = 0;
    std::string tool;
};
[[nodiscard]] ModelDecl model_declaration(std::string_view path, std::string_view text);
[[nodiscard]] int model_line(std::string_view text);

}  // namespace pgfence::analyze::tools
